import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { ContractTransactionResponse, Interface } from "ethers";
import { ReentrantArbitrator__factory, ReentrantAuthorizer__factory, ReentrantValidator__factory } from "../../typechain-types";
import {
  ChannelStatus,
  Trigger,
  USDC,
  attackFixture,
  fromBalance,
  fromTransfer,
  reentrantTokenFixture,
  signVoucher,
} from "../fixtures/attacks";
import { ARB_FEE, JobState, PRICE, RESULT, SLA, feeOn } from "../fixtures/jobs";

/*
 * Reentrancy through tokens and hooks (docs/THREAT_MODEL.md, attacks RE-01..RE-07). The token attacks run on a
 * whole Agora stack deployed over `ReentrantTokenMock`, whose one-shot hook calls back into Agora from inside the
 * vault's token calls; the hook records the nested call's result instead of reverting, so each test can check
 * both that the nested call failed (and why) and that the outer operation still settled to the unit.
 */

const REENTRANT_CALL = "ReentrancyGuardReentrantCall";

/** The single `HookCalled` event of `tx`: the nested call's success and decoded error name (if any). */
async function hookOutcome(
  tx: ContractTransactionResponse,
  token: { interface: Interface },
  errorSource: { interface: Interface },
): Promise<{ success: boolean; error?: string }> {
  const receipt = await tx.wait();
  const events = (receipt?.logs ?? []).map((l) => token.interface.parseLog(l)).filter((e) => e?.name === "HookCalled");
  expect(events.length, "the hook ran exactly once").to.equal(1);
  const [, , success, returnData] = events[0]!.args;
  return { success, error: success ? undefined : errorSource.interface.parseError(returnData)?.name };
}

describe("Attacks: reentrancy through tokens and hooks", function () {
  it("RE-01 a token re-entering deposit during the pull cannot double-count the balance delta", async function () {
    const f = await loadFixture(reentrantTokenFixture);
    const { token, vault, clientId, tokenAgentId } = f;
    const amount = 100n * USDC;
    const before = { client: await vault.balanceOf(clientId), tokenAgent: await vault.balanceOf(tokenAgentId) };
    // Inside transferFrom(client → vault), before any balance moves, the token deposits for its own agent.
    await token.arm(Trigger.OnTransferFrom, f.vaultAddress, vault.interface.encodeFunctionData("deposit", [tokenAgentId, amount, fromTransfer()]));
    const tx = await vault.connect(f.clientOwner).deposit(clientId, amount, fromTransfer());
    expect(await hookOutcome(tx, token, vault)).to.deep.equal({ success: false, error: REENTRANT_CALL });
    expect(await vault.balanceOf(clientId)).to.equal(before.client + amount);
    expect(await vault.balanceOf(tokenAgentId)).to.equal(before.tokenAgent);
    await f.solvent();
  });

  it("RE-02 a payee token re-entering withdraw during the transfer cannot withdraw twice", async function () {
    const f = await loadFixture(reentrantTokenFixture);
    const { token, vault, tokenAgentId, tokenAddress } = f;
    const amount = 400n * USDC;
    const balance = await vault.balanceOf(tokenAgentId);
    const wallet = await token.balanceOf(tokenAddress);
    // The token owns the agent, so its payout is itself: the vault's transfer lands in its own hook.
    await token.arm(Trigger.OnTransfer, f.vaultAddress, vault.interface.encodeFunctionData("withdraw", [tokenAgentId, amount]));
    const tx = await token.execute(f.vaultAddress, vault.interface.encodeFunctionData("withdraw", [tokenAgentId, amount]));
    expect(await hookOutcome(tx, token, vault)).to.deep.equal({ success: false, error: REENTRANT_CALL });
    expect(await vault.balanceOf(tokenAgentId)).to.equal(balance - amount);
    expect(await token.balanceOf(tokenAddress)).to.equal(wallet + amount);
    await f.solvent();
  });

  it("RE-03 a client token re-entering cancel while its own job's funding is being pulled cannot unwind the half-made job", async function () {
    const f = await loadFixture(reentrantTokenFixture);
    const { token, vault, escrow, tokenAgentId, tokenAddress } = f;
    const jobId = (await escrow.totalJobs()) + 1n;
    const wallet = await token.balanceOf(tokenAddress);
    const escrowAddress = await escrow.getAddress();
    await token.arm(Trigger.OnTransferFrom, escrowAddress, escrow.interface.encodeFunctionData("cancel", [jobId]));
    const params = await f.jobParams({ clientId: tokenAgentId });
    const tx = await token.execute(escrowAddress, escrow.interface.encodeFunctionData("createJob", [params, fromTransfer()]));
    expect(await hookOutcome(tx, token, escrow)).to.deep.equal({ success: false, error: REENTRANT_CALL });
    expect(await escrow.state(jobId)).to.equal(JobState.Funded);
    expect(await vault.locked(escrowAddress)).to.equal(PRICE);
    expect(await token.balanceOf(tokenAddress)).to.equal(wallet - PRICE);
    // The same cancel, made properly afterwards, works once: the guard blocked only the re-entry.
    await token.execute(escrowAddress, escrow.interface.encodeFunctionData("cancel", [jobId]));
    expect(await escrow.state(jobId)).to.equal(JobState.Cancelled);
    await f.solvent();
  });

  it("RE-04 a token re-entering another module from inside a vault transfer only meets settled state (checks-effects-interactions)", async function () {
    const f = await loadFixture(reentrantTokenFixture);
    const { token, vault, escrow, clientId, tokenAgentId } = f;
    const jobId = (await escrow.totalJobs()) + 1n;
    await escrow.connect(f.clientOperator).createJob(await f.jobParams(), fromBalance());
    const deadline = (await escrow.getJob(jobId)).deadline;
    await time.increaseTo(deadline + 1n);
    // During the vault's own transfer (its lock held), the hook refunds the expired job: a permissionless exit whose
    // vault call (`release`) needs no token transfer. It runs, on state the withdrawal already wrote.
    const clientBalance = await vault.balanceOf(clientId);
    const tokenBalance = await vault.balanceOf(tokenAgentId);
    await token.arm(Trigger.OnTransfer, await escrow.getAddress(), escrow.interface.encodeFunctionData("refund", [jobId]));
    const tx = await token.execute(f.vaultAddress, vault.interface.encodeFunctionData("withdraw", [tokenAgentId, 10n * USDC]));
    expect(await hookOutcome(tx, token, escrow)).to.deep.equal({ success: true, error: undefined });
    await expect(tx).to.emit(escrow, "JobRefunded").withArgs(jobId, clientId, f.providerId, PRICE, 0n, 2n, f.tokenAddress);
    expect(await vault.balanceOf(clientId)).to.equal(clientBalance + PRICE);
    expect(await vault.balanceOf(tokenAgentId)).to.equal(tokenBalance - 10n * USDC);
    expect(await vault.locked(await escrow.getAddress())).to.equal(0n);
    await f.solvent();
  });

  it("RE-05 an arbitrator re-entering the escrow from createDispute cannot rule early, default or release", async function () {
    const f = await loadFixture(attackFixture);
    const arbitrator = await new ReentrantArbitrator__factory(f.deployer).deploy(f.escrowAddress, ARB_FEE);
    f.trackCredit(await arbitrator.getAddress());
    const listingId = await f.publish({ arbitrator: await arbitrator.getAddress() });
    const jobId = await f.deliveredJob(listingId);
    const tx = await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance());
    const guard = f.escrow.interface.encodeErrorResult(REENTRANT_CALL, []);
    for (const attempt of [0n, 1n, 2n]) await expect(tx).to.emit(arbitrator, "ReentryFailed").withArgs(attempt, guard);
    await expect(tx).not.to.emit(arbitrator, "ReentrySucceeded");
    expect(await f.escrow.state(jobId)).to.equal(JobState.Disputed);
    // Its one legitimate ruling still settles the job, once.
    const before = await f.vaultState([await arbitrator.getAddress()]);
    await arbitrator.giveRuling(jobId, 10_000n);
    const fee = feeOn(PRICE);
    await f.expectSettlement(before, { provider: PRICE - fee, fees: fee, credits: ARB_FEE }, PRICE + ARB_FEE, [await arbitrator.getAddress()]);
    await f.solvent();
  });

  it("RE-06 a validator re-entering the escrow from validate cannot poll itself or release the job", async function () {
    const f = await loadFixture(attackFixture);
    const validator = await new ReentrantValidator__factory(f.deployer).deploy(f.escrowAddress);
    const listingId = await f.publish({ validator: await validator.getAddress() });
    const jobId = await f.createJob({ listingId });
    const tx = await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://r");
    const guard = f.escrow.interface.encodeErrorResult(REENTRANT_CALL, []);
    await expect(tx).to.emit(validator, "ReentryFailed").withArgs(0n, guard);
    await expect(tx).to.emit(validator, "ReentryFailed").withArgs(1n, guard);
    await expect(tx).not.to.emit(validator, "ReentrySucceeded");
    await expect(tx).to.emit(f.escrow, "ValidatorPolled").withArgs(jobId, await validator.getAddress(), 0n, f.providerOperator.address);
    expect(await f.escrow.state(jobId)).to.equal(JobState.Delivered);
    expect(await f.vault.locked(f.escrowAddress)).to.equal(PRICE);
    await f.solvent();
  });

  it("RE-07 an ERC-1271 payer authorizer cannot change state while a claim checks its signature", async function () {
    const f = await loadFixture(attackFixture);
    const authorizer = await new ReentrantAuthorizer__factory(f.deployer).deploy(f.clientOwner.address);
    // A refund anyone could trigger: outside a static call this re-entry would succeed.
    const jobId = await f.createJob({ params: { deadline: BigInt(await time.latest()) + SLA + 10n } });
    const { channelId, epoch } = await f.openChannel(50n * USDC, { authorizer: await authorizer.getAddress() });
    await time.increaseTo((await f.escrow.getJob(jobId)).deadline + 1n);
    await authorizer.setReentry(f.escrowAddress, f.escrow.interface.encodeFunctionData("refund", [jobId]));
    // The authorizer answers "valid" only if its nested call failed: the claim succeeding proves the refund did not run.
    const voucher = await signVoucher(f.channels, f.clientOwner, channelId, epoch, 20n * USDC);
    await expect(f.channels.connect(f.providerOperator).claim(channelId, epoch, 20n * USDC, voucher))
      .to.emit(f.channels, "ChannelClaimed")
      .withArgs(channelId, f.providerId, f.clientId, epoch, f.providerOperator.address, 20n * USDC, 20n * USDC, feeOn(20n * USDC));
    expect(await f.escrow.state(jobId)).to.equal(JobState.Funded);
    expect((await f.channels.getChannel(channelId)).status).to.equal(ChannelStatus.Open);
    // The nested call itself was valid: made directly, it refunds.
    await expect(f.escrow.connect(f.stranger).refund(jobId)).to.emit(f.escrow, "JobRefunded");
    await f.solvent();
  });
});
