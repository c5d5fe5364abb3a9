import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { deployAgora } from "../../deploy";
import {
  AgoraError,
  FundingSource,
  accept,
  acceptSync,
  addressesFromManifest,
  approveCommitmentSync,
  approveSync,
  approveVaultSync,
  cancelCommitmentApprovalSync,
  cancelSync,
  capabilityHash,
  claim,
  committeeVoteSync,
  createAgoraClient,
  declineSync,
  deliverSync,
  deposit,
  depositSync,
  freezeSync,
  fundFromBalance,
  getAgent,
  getBalance,
  getJob,
  getListing,
  getReputation,
  getSpendingLimits,
  giveFeedbackSync,
  guardianPauseSync,
  guardianUnpauseSync,
  hire,
  hireSync,
  mintUsdcSync,
  oracleVerdictSync,
  openChannel,
  pauseListingSync,
  pollValidatorSync,
  prepareFunding,
  publishListing,
  publishListingSync,
  refundSync,
  registerAgent,
  registerAgentSync,
  reject,
  rejectSync,
  releaseSync,
  resolveByDefaultSync,
  resumeListingSync,
  retireListingSync,
  setAgentUriSync,
  setAllowlistedSync,
  setMetadataSync,
  setOperatorSync,
  setPayoutAddressSync,
  setSpendingLimitsSync,
  signCommitmentApproval,
  signOperatorProof,
  submitEvidenceSync,
  toHash32,
  unfreezeSync,
  unsetOperatorSync,
  updateListingSync,
  VoucherSigner,
  withSigner,
  withdrawSync,
  type AgoraClient,
  type FundingKind,
} from "../../sdk/src";

const USDC = 1_000_000n;
const PRICE = 20n * USDC;

/**
 * A deployment (the same steps as `npm start`), an owner/operator pair for a client agent and a provider agent,
 * each client an `AgoraClient` built from a Hardhat signer, and USDC in the wallets.
 */
async function sdkFixture() {
  const [deployer, guardian, oracle, clientOwner, clientOperator, providerOwner, providerOperator, stranger, member] = await ethers.getSigners();
  const manifest = await deployAgora({
    network: "hardhat",
    deployer,
    config: { guardian: guardian.address, oracle: oracle.address, committee: [member.address], arbitrationFee: 1n * USDC, feeBps: 100 },
  });
  const addresses = addressesFromManifest(manifest);
  const as = (s: HardhatEthersSigner): AgoraClient => createAgoraClient({ addresses, signer: s });
  const admin = as(deployer);
  for (const s of [clientOwner, clientOperator, providerOwner, providerOperator, stranger]) {
    await mintUsdcSync(admin, { to: s.address, amount: 1_000n * USDC });
  }
  const c = { owner: as(clientOwner), operator: as(clientOperator) };
  const p = { owner: as(providerOwner), operator: as(providerOperator) };
  const { agentId: clientId } = await registerAgentSync(c.owner, { uri: "https://agents.example/client.json" });
  const { agentId: providerId } = await registerAgentSync(p.owner, { uri: "https://agents.example/provider.json", metadata: { name: "provider" } });
  await setOperatorSync(c.owner, { agentId: clientId, operator: clientOperator });
  await setOperatorSync(p.owner, { agentId: providerId, operator: providerOperator });
  await approveVaultSync(c.owner, { amount: 1_000n * USDC });
  await depositSync(c.owner, { agentId: clientId, amount: 500n * USDC });
  const { listingId } = await publishListingSync(p.operator, {
    providerId,
    capabilities: ["translate.en-fr", "summarize"],
    price: PRICE,
    slaSeconds: 3600,
    reviewWindow: 86_400,
    arbitrator: addresses.committeeArbitrator,
    metadataURI: "ipfs://listing",
  });
  const { listingId: validatedListingId } = await publishListingSync(p.operator, {
    providerId,
    capabilities: ["audit.solidity"],
    price: PRICE,
    slaSeconds: 3600,
    reviewWindow: 86_400,
    arbitrator: addresses.oracleArbitrator,
    validator: addresses.hashValidator,
  });
  return {
    addresses,
    admin,
    guardian: as(guardian),
    oracle: as(oracle),
    member: as(member),
    strangerClient: as(stranger),
    c,
    p,
    signers: { clientOwner, clientOperator, providerOwner, providerOperator, stranger },
    clientId,
    providerId,
    listingId,
    validatedListingId,
  };
}

/** A job hired by the client's operator on the plain listing, from its protocol balance. */
async function hireOne(f: Awaited<ReturnType<typeof sdkFixture>>): Promise<bigint> {
  const { jobId } = await hireSync(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE });
  return jobId;
}

/** Expects `promise` to reject with an AgoraError of `errorName` and returns it. */
async function rejectsWith(promise: Promise<unknown>, errorName: string): Promise<AgoraError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AgoraError);
    const e = error as AgoraError;
    expect(e.errorName, e.message).to.equal(errorName);
    return e;
  }
  expect.fail(`expected a revert with ${errorName}`);
}

describe("SDK actions", function () {
  describe("identity", function () {
    it("registers an agent: .call predicts the id, the Sync variant returns the Registered event", async function () {
      const f = await loadFixture(sdkFixture);
      const predicted = await registerAgent.call(f.strangerClient, { uri: "ipfs://x" });
      const { agentId, agentURI, owner, receipt } = await registerAgentSync(f.strangerClient, { uri: "ipfs://x" });
      expect(agentId).to.equal(predicted);
      expect(agentURI).to.equal("ipfs://x");
      expect(owner).to.equal(f.signers.stranger.address);
      expect(receipt.status).to.equal(1);
      const info = await getAgent(f.strangerClient, agentId);
      expect(info).to.include({ owner: f.signers.stranger.address, operator: f.signers.stranger.address, frozen: false, uri: "ipfs://x" });
    });

    it("populates an unsigned transaction without sending it", async function () {
      const f = await loadFixture(sdkFixture);
      const tx = await registerAgent.populate(f.strangerClient, {});
      expect(tx.to).to.equal(f.addresses.agentRegistry);
      expect(tx.data).to.match(/^0x[0-9a-f]{8}/);
      expect(await f.c.owner.contracts.registry.totalAgents()).to.equal(2n);
    });

    it("sets the URI and metadata, and the operator with an EIP-712 proof (signed on the spot or handed over)", async function () {
      const f = await loadFixture(sdkFixture);
      await setAgentUriSync(f.c.owner, { agentId: f.clientId, uri: "ipfs://v2" });
      const meta = await setMetadataSync(f.c.owner, { agentId: f.clientId, key: "name", value: "client" });
      expect(meta.metadataKey).to.equal("name");
      expect(ethers.toUtf8String(meta.metadataValue)).to.equal("client");
      expect((await getAgent(f.c.owner, f.clientId)).uri).to.equal("ipfs://v2");

      const unset = await unsetOperatorSync(f.c.owner, { agentId: f.clientId });
      expect(unset.newWallet).to.equal(ethers.ZeroAddress);
      const proof = await signOperatorProof(f.c.owner, f.signers.stranger, { agentId: f.clientId, owner: f.signers.clientOwner.address });
      const changed = await setOperatorSync(f.c.owner, { agentId: f.clientId, proof });
      expect(changed.newWallet).to.equal(f.signers.stranger.address);
      expect((await getAgent(f.c.owner, f.clientId)).operator).to.equal(f.signers.stranger.address);
    });

    it("refuses a proof signed by another key (AgentInvalidWalletSignature)", async function () {
      const f = await loadFixture(sdkFixture);
      const proof = await signOperatorProof(f.c.owner, f.signers.stranger, { agentId: f.clientId, owner: f.signers.clientOwner.address });
      await rejectsWith(
        setOperatorSync(f.c.owner, { agentId: f.clientId, proof: { ...proof, operator: f.signers.clientOperator.address } }),
        "AgentInvalidWalletSignature",
      );
    });

    it("freezes and unfreezes: a frozen operator cannot act (AgentFrozen), the owner can", async function () {
      const f = await loadFixture(sdkFixture);
      const frozen = await freezeSync(f.c.owner, { agentId: f.clientId });
      expect(frozen.frozen).to.equal(true);
      const e = await rejectsWith(hire.call(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE }), "AgentFrozen");
      expect(e.shortMessage).to.equal(`agent ${f.clientId} is frozen: its operator ${f.signers.clientOperator.address} cannot act until the owner unfreezes it`);
      expect(await hire.call(f.c.owner, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE })).to.equal(1n);
      await unfreezeSync(f.c.owner, { agentId: f.clientId });
      expect(await hire.call(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE })).to.equal(1n);
    });

    it("reports an unknown agent", async function () {
      const f = await loadFixture(sdkFixture);
      const e = await getAgent(f.c.owner, 99n).catch((error: unknown) => error);
      expect(e).to.be.instanceOf(AgoraError);
      expect((e as AgoraError).shortMessage).to.equal("unknown agent 99");
    });
  });

  describe("listings", function () {
    it("hashes capability strings with keccak256 and carries every term in the event", async function () {
      const f = await loadFixture(sdkFixture);
      const predicted = await publishListing.call(f.p.operator, {
        providerId: f.providerId,
        capabilities: ["data.clean"],
        price: 1_000n,
        pricing: "PerCall",
        slaSeconds: 60,
        reviewWindow: 60,
        arbitrator: f.addresses.committeeArbitrator,
      });
      const ev = await publishListingSync(f.p.operator, {
        providerId: f.providerId,
        capabilities: ["data.clean"],
        price: 1_000n,
        pricing: "PerCall",
        slaSeconds: 60,
        reviewWindow: 60,
        arbitrator: f.addresses.committeeArbitrator,
      });
      expect(ev.listingId).to.equal(predicted);
      expect(ev.capabilities).to.deep.equal([ethers.id("data.clean")]);
      expect(capabilityHash(" data.clean ")).to.equal(ethers.id("data.clean"));
      expect(ev.pricing).to.equal(1n);
      expect((await getListing(f.p.operator, ev.listingId)).pricing).to.equal("PerCall");
    });

    it("updates, pauses, resumes and retires", async function () {
      const f = await loadFixture(sdkFixture);
      const updated = await updateListingSync(f.p.owner, {
        listingId: f.listingId,
        capabilities: ["translate.en-fr"],
        price: 25n * USDC,
        slaSeconds: 7200,
        reviewWindow: 3600,
        collateralBps: 1000,
        arbitrator: f.addresses.committeeArbitrator,
      });
      expect(updated.price).to.equal(25n * USDC);
      expect((await pauseListingSync(f.p.operator, { listingId: f.listingId })).status).to.equal(2n);
      await rejectsWith(hire.call(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: 25n * USDC }), "EscrowListingNotActive");
      expect((await resumeListingSync(f.p.operator, { listingId: f.listingId })).status).to.equal(1n);
      expect((await retireListingSync(f.p.operator, { listingId: f.listingId })).status).to.equal(3n);
      expect((await getListing(f.p.operator, f.listingId)).status).to.equal("Retired");
    });

    it("rejects a bad arbitrator address before sending", async function () {
      const f = await loadFixture(sdkFixture);
      const error = await publishListing(f.p.operator, {
        providerId: f.providerId,
        capabilities: ["x"],
        price: 1n,
        slaSeconds: 60,
        reviewWindow: 60,
        arbitrator: "0x1234",
      }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AgoraError);
      expect((error as AgoraError).code).to.equal("INVALID_INPUT");
    });
  });

  describe("deposit, withdraw and payout address", function () {
    for (const kind of ["transfer", "permit", "authorization"] as const satisfies readonly FundingKind[]) {
      it(`deposits by ${kind}`, async function () {
        const f = await loadFixture(sdkFixture);
        const amount = 7n * USDC;
        const before = (await getBalance(f.p.owner, f.providerId)).balance;
        if (kind === "transfer") await approveVaultSync(f.p.owner, { amount });
        const ev = await depositSync(f.p.owner, { agentId: f.providerId, amount, funding: await prepareFunding(f.p.owner, kind, amount) });
        expect(ev.amount).to.equal(amount);
        expect(ev.source).to.equal(BigInt(FundingSource[({ transfer: "TransferFrom", permit: "Permit", authorization: "Authorization" } as const)[kind]]));
        expect((await getBalance(f.p.owner, f.providerId)).balance).to.equal(before + amount);
      });
    }

    it("refuses a deposit from the protocol balance, and reports a missing allowance", async function () {
      const f = await loadFixture(sdkFixture);
      const e = await deposit(f.p.owner, { agentId: f.providerId, amount: 1n, funding: fundFromBalance() }).catch((error: unknown) => error);
      expect((e as AgoraError).code).to.equal("INVALID_INPUT");
      const allowance = await rejectsWith(deposit(f.p.owner, { agentId: f.providerId, amount: USDC }), "ERC20InsufficientAllowance");
      expect(allowance.shortMessage).to.equal(
        `insufficient USDC allowance: ${f.addresses.vault} may spend 0.00, needs 1.00 (approve the vault first)`,
      );
    });

    it("withdraws only to the payout address the owner set", async function () {
      const f = await loadFixture(sdkFixture);
      await setPayoutAddressSync(f.c.owner, { agentId: f.clientId, payout: f.signers.stranger.address });
      const w = await withdrawSync(f.c.operator, { agentId: f.clientId, amount: 3n * USDC });
      expect(w.to).to.equal(f.signers.stranger.address);
      expect((await getBalance(f.c.owner, f.clientId)).balance).to.equal(497n * USDC);
      const e = await rejectsWith(withdrawSync(f.c.owner, { agentId: f.clientId, amount: 1_000n * USDC }), "VaultInsufficientBalance");
      expect(e.shortMessage).to.equal(`insufficient balance: agent ${f.clientId} has 497.00 USDC in the vault, needs 1000.00`);
    });
  });

  describe("jobs", function () {
    for (const kind of ["balance", "transfer", "permit", "authorization"] as const satisfies readonly FundingKind[]) {
      it(`hires funded by ${kind}, then accept, deliver, approve and feedback`, async function () {
        const f = await loadFixture(sdkFixture);
        if (kind === "transfer") await approveVaultSync(f.c.operator, { amount: PRICE });
        const funding = await prepareFunding(f.c.operator, kind, PRICE);
        const created = await hireSync(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE, funding });
        expect(created.terms.amount).to.equal(PRICE);
        expect(created.providerId).to.equal(f.providerId);
        const jobId = created.jobId;
        expect((await acceptSync(f.p.operator, { jobId })).collateral).to.equal(0n);
        const delivered = await deliverSync(f.p.operator, { jobId, result: "bonjour", resultURI: "ipfs://result" });
        expect(delivered.resultHash).to.equal(ethers.id("bonjour"));
        expect(delivered.settled).to.equal(undefined);
        const done = await approveSync(f.c.operator, { jobId });
        expect(done.toProvider + done.fee).to.equal(PRICE);
        await giveFeedbackSync(f.c.operator, { jobId, score: 90, tag1: "fast" });
        await giveFeedbackSync(f.p.operator, { jobId, score: 80 });
        expect((await getJob(f.c.owner, jobId)).state).to.equal("Completed");
        const rep = await getReputation(f.c.owner, f.providerId);
        expect(rep.completed).to.equal(1);
        expect(rep.volumeEarned).to.equal((await f.c.owner.contracts.ledger.stats(f.providerId)).volumeEarned);
        expect(rep.volumeEarned > 0n && rep.volumeEarned <= PRICE).to.equal(true);
        expect(rep.feedbackAverage).to.equal(90);
        expect(rep.score).to.equal(await f.c.owner.contracts.ledger.score(f.providerId));
      });
    }

    it("explains a price above the client's maximum and a job in the wrong state", async function () {
      const f = await loadFixture(sdkFixture);
      const e = await rejectsWith(hireSync(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE - 1n }), "EscrowPriceAboveMax");
      expect(e.shortMessage).to.equal(`listing ${f.listingId} costs 20.00 USDC, above the maximum of 19.999999`);
      const jobId = await hireOne(f);
      const state = await rejectsWith(approveSync(f.c.operator, { jobId }), "EscrowUnexpectedState");
      expect(state.shortMessage).to.equal(`wrong job state: job ${jobId} is Funded, this action needs it Delivered`);
      expect(state.args.jobId).to.equal(jobId);
    });

    it("declines, cancels and refunds", async function () {
      const f = await loadFixture(sdkFixture);
      const a = await hireOne(f);
      expect((await declineSync(f.p.operator, { jobId: a, reasonURI: "ipfs://busy" })).refunded).to.equal(PRICE);
      const b = await hireOne(f);
      expect((await cancelSync(f.c.operator, { jobId: b })).refunded).to.equal(PRICE);
      const c = await hireOne(f);
      await acceptSync(f.p.operator, { jobId: c });
      const early = await rejectsWith(refundSync(f.strangerClient, { jobId: c }), "EscrowTooEarly");
      expect(early.shortMessage).to.match(new RegExp(`^job ${c}: too early, this opens at \\d{4}-`));
      await time.increase(2 * 3600 + 10);
      const r = await refundSync(f.strangerClient, { jobId: c });
      expect(r.toClient).to.equal(PRICE);
      expect((await getReputation(f.c.owner, f.providerId)).refundedLate).to.equal(1);
    });

    it("releases after a silent review window", async function () {
      const f = await loadFixture(sdkFixture);
      const jobId = await hireOne(f);
      await deliverSync(f.p.operator, { jobId, result: "done" });
      await rejectsWith(releaseSync(f.strangerClient, { jobId }), "EscrowTooEarly");
      await time.increase(86_400 + 1);
      expect((await releaseSync(f.strangerClient, { jobId })).kind).to.equal(1n);
    });

    it("settles on the HashValidator's verdict at delivery, and polls it", async function () {
      const f = await loadFixture(sdkFixture);
      const good = await hireSync(f.c.operator, { clientId: f.clientId, listingId: f.validatedListingId, maxPrice: PRICE, spec: "report-v1" });
      expect((await deliverSync(f.p.operator, { jobId: good.jobId, result: toHash32("report-v1") })).settled).to.equal("Completed");
      const bad = await hireSync(f.c.operator, { clientId: f.clientId, listingId: f.validatedListingId, maxPrice: PRICE, spec: "report-v1" });
      expect((await deliverSync(f.p.operator, { jobId: bad.jobId, result: "something else" })).settled).to.equal("Refunded");
      const plain = await hireOne(f);
      await deliverSync(f.p.operator, { jobId: plain, result: "x" });
      await rejectsWith(pollValidatorSync(f.strangerClient, { jobId: plain }), "EscrowNoValidator");
    });

    it("runs a dispute to a committee ruling, with evidence", async function () {
      const f = await loadFixture(sdkFixture);
      const jobId = await hireOne(f);
      await deliverSync(f.p.operator, { jobId, result: "meh" });
      await reject.call(f.c.operator, { jobId, reasonURI: "ipfs://why" }); // simulation, as the CLI does first
      const disputed = await rejectSync(f.c.operator, { jobId, reasonURI: "ipfs://why" });
      expect(disputed.arbitrator).to.equal(f.addresses.committeeArbitrator);
      expect(disputed.arbitrationFee).to.equal(USDC);
      await submitEvidenceSync(f.p.operator, { jobId, evidenceURI: "ipfs://proof" });
      const notMember = await rejectsWith(committeeVoteSync(f.c.owner, { jobId, providerShareBps: 10_000 }), "CommitteeNotMember");
      expect(notMember.shortMessage).to.equal(`${f.signers.clientOwner.address} is not a committee member`);
      const voted = await committeeVoteSync(f.member, { jobId, providerShareBps: 7000 });
      expect(voted.providerShareBps).to.equal(7000n);
      expect((await getJob(f.c.owner, jobId)).state).to.equal("Resolved");
      const rep = await getReputation(f.c.owner, f.providerId);
      expect(rep.disputesWon).to.equal(1);
    });

    it("settles a dispute by the AI oracle's verdict, and by default when nobody rules", async function () {
      const f = await loadFixture(sdkFixture);
      const jobId = await hireOne(f);
      const listing = await updateListingSync(f.p.owner, {
        listingId: f.listingId,
        capabilities: ["translate.en-fr"],
        price: PRICE,
        slaSeconds: 3600,
        reviewWindow: 86_400,
        arbitrator: f.addresses.oracleArbitrator,
      });
      expect(listing.arbitrator).to.equal(f.addresses.oracleArbitrator);
      const oracleJob = await hireOne(f);
      await deliverSync(f.p.operator, { jobId: oracleJob, result: "draft" });
      await rejectSync(f.c.operator, { jobId: oracleJob, reasonURI: "ipfs://bad" });
      const wrongKey = await rejectsWith(oracleVerdictSync(f.member, { jobId: oracleJob, providerShareBps: 3000 }), "OracleNotOracle");
      expect(wrongKey.shortMessage).to.equal(`${await f.member.signer?.getAddress()} is not the oracle key`);
      const verdict = await oracleVerdictSync(f.oracle, { jobId: oracleJob, providerShareBps: 3000, reasoning: "partial", reasoningURI: "ipfs://jury" });
      expect(verdict.providerShareBps).to.equal(3000n);
      expect((await getJob(f.c.owner, oracleJob)).state).to.equal("Resolved");

      // The first job was hired under the committee: nobody votes, the default ruling applies after the period.
      await deliverSync(f.p.operator, { jobId, result: "draft" });
      await rejectSync(f.c.operator, { jobId });
      await rejectsWith(resolveByDefaultSync(f.strangerClient, { jobId }), "EscrowTooEarly");
      await time.increase(Number(await f.c.owner.contracts.escrow.RULING_PERIOD()) + 1);
      const resolved = await resolveByDefaultSync(f.strangerClient, { jobId });
      expect(resolved.byDefault).to.equal(true);
      expect(resolved.providerShareBps).to.equal(5000n);
    });
  });

  describe("limits, freeze and guardian pause", function () {
    it("stops the operator at the daily cap with a readable message, then an owner pre-approval lets one commitment through", async function () {
      const f = await loadFixture(sdkFixture);
      await setSpendingLimitsSync(f.c.owner, { agentId: f.clientId, perTxCap: 30n * USDC, dailyCap: 50n * USDC });
      await updateListingSync(f.p.owner, {
        listingId: f.listingId,
        capabilities: ["translate.en-fr"],
        price: 24n * USDC,
        slaSeconds: 3600,
        reviewWindow: 86_400,
        arbitrator: f.addresses.committeeArbitrator,
      });
      await hireSync(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: 24n * USDC });
      await hireSync(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: 24n * USDC });
      const e = await rejectsWith(hireSync(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: 24n * USDC }), "VaultDailyCapExceeded");
      expect(e.shortMessage).to.equal("spending limit: 24h cap 50.00 USDC, already committed 48.00, asked 24.00");
      expect(e.args).to.deep.include({ agentId: f.clientId, cap: 50n * USDC, spent: 48n * USDC, amount: 24n * USDC });
      expect((await getSpendingLimits(f.c.owner, f.clientId)).spentInWindow).to.equal(48n * USDC);

      const approval = await signCommitmentApproval(f.c.owner, { agentId: f.clientId, counterpartyId: f.providerId, amount: 24n * USDC });
      await approveCommitmentSync(f.c.operator, approval);
      await hireSync(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: 24n * USDC });
      const replay = await rejectsWith(approveCommitmentSync(f.c.operator, approval), "VaultOwnerApprovalInvalid");
      expect(replay.shortMessage).to.contain("not signed by its owner, or its nonce was already used");

      const next = await signCommitmentApproval(f.c.owner, { agentId: f.clientId, counterpartyId: f.providerId, amount: 24n * USDC });
      await cancelCommitmentApprovalSync(f.c.owner, { agentId: f.clientId });
      await rejectsWith(approveCommitmentSync(f.c.operator, next), "VaultOwnerApprovalInvalid");
    });

    it("enforces the per-transaction cap and the allow-list", async function () {
      const f = await loadFixture(sdkFixture);
      await setSpendingLimitsSync(f.c.owner, { agentId: f.clientId, perTxCap: 10n * USDC, dailyCap: 0n });
      const cap = await rejectsWith(hire.call(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE }), "VaultPerTxCapExceeded");
      expect(cap.shortMessage).to.equal("spending limit: per-transaction cap 10.00 USDC, asked 20.00");
      await setSpendingLimitsSync(f.c.owner, { agentId: f.clientId, perTxCap: 0n, dailyCap: 0n, allowlistOnly: true });
      const list = await rejectsWith(hire.call(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE }), "VaultCounterpartyNotAllowed");
      expect(list.shortMessage).to.equal(
        `spending limit: agent ${f.clientId}'s operator may only pay allow-listed counterparties, and agent ${f.providerId} is not on the list`,
      );
      await setAllowlistedSync(f.c.owner, { agentId: f.clientId, counterpartyId: f.providerId, allowed: true });
      expect(await hire.call(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE })).to.equal(1n);
      await rejectsWith(setSpendingLimitsSync(f.c.operator, { agentId: f.clientId, perTxCap: 0n, dailyCap: 0n }), "VaultNotOwner");
    });

    it("pauses new business and keeps exits open", async function () {
      const f = await loadFixture(sdkFixture);
      const jobId = await hireOne(f);
      await guardianPauseSync(f.guardian, {});
      const paused = await rejectsWith(hire.call(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE }), "VaultPaused");
      expect(paused.shortMessage).to.contain("paused by the guardian");
      await cancelSync(f.c.operator, { jobId });
      await rejectsWith(guardianPauseSync(f.c.owner, {}), "VaultNotGuardian");
      await guardianUnpauseSync(f.guardian, {});
      expect(await hire.call(f.c.operator, { clientId: f.clientId, listingId: f.listingId, maxPrice: PRICE })).to.equal(2n);
    });
  });

  describe("client values and channels", function () {
    it("withSigner returns a new client and leaves the original untouched", async function () {
      const f = await loadFixture(sdkFixture);
      const other = withSigner(f.c.owner, f.signers.stranger);
      expect(await other.signer?.getAddress()).to.equal(f.signers.stranger.address);
      expect(await f.c.owner.signer?.getAddress()).to.equal(f.signers.clientOwner.address);
      const readOnly = createAgoraClient({ addresses: f.addresses, provider: ethers.provider });
      const e = await accept(readOnly, { jobId: 1n }).catch((error: unknown) => error);
      expect((e as AgoraError).code).to.equal("INVALID_INPUT");
    });

    it("re-exports the channel actions, usable with the client's contracts", async function () {
      const f = await loadFixture(sdkFixture);
      const channels = f.c.operator.contracts.channels;
      const opened = await openChannel(channels, { clientId: f.clientId, providerId: f.providerId, amount: USDC, funding: fundFromBalance() });
      const signer = new VoucherSigner(
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", // Hardhat account 1: not the authorizer
        { chainId: f.c.operator.chainId, verifyingContract: f.addresses.paymentChannels },
      );
      const voucher = signer.sign({ channelId: opened.channelId, epoch: opened.epoch, cumulativeAmount: 1_000n });
      const e = await claim(f.p.operator.contracts.channels, voucher).catch((error: unknown) => error);
      const decoded = AgoraError.from(e);
      expect(decoded.errorName).to.equal("ChannelInvalidSignature");
      expect(decoded.shortMessage).to.equal(`channel ${opened.channelId}: the voucher is not signed by the payer authorizer ${f.signers.clientOperator.address}`);
    });
  });
});
