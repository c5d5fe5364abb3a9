import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { USDC } from "../fixtures/agora";
import { BUCKET, LONG_DEADLINE, nextPeriodStart, withControlsFixture } from "../fixtures/controls";
import { expectGasSnapshot } from "../helpers/gasSnapshot";
import { fromBalance } from "../helpers/funding";

/*
 * What a limit check adds to `createJob` (warm, funded from the protocol balance, Fixed $100 listing), checked
 * against test/gas/snapshot.json (1% tolerance). After an intended change:
 * `UPDATE_GAS_SNAPSHOT=1 npx hardhat test test/integration/limits-gas.test.ts` and commit the file.
 * The limited operator's two jobs are pinned inside one window period, so the figure never depends on where in
 * its 3-hour period the run happens, nor on which bucket of the ring that period maps to; the first commitment of a
 * new period (the ring moves its head) is measured too.
 */

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function limitsGasFigures() {
  const f = await withControlsFixture();
  const { escrow, vault, clientId, providerId, clientOwner, clientOperator } = f;
  const listingId = await f.publish();
  /** Every job gets a deadline 60 days out, valid across the time jumps below. */
  const params = async () => f.jobParams(listingId, { deadline: BigInt(await time.latest()) + LONG_DEADLINE });
  /** Two jobs by `signer`: the first warms every slot, the second is the figure. */
  const warm = async (signer: HardhatEthersSigner, at?: bigint) => {
    if (at !== undefined) await time.setNextBlockTimestamp(at);
    await escrow.connect(signer).createJob(await params(), fromBalance());
    if (at !== undefined) await time.setNextBlockTimestamp(at + 60n);
    return gasOf(escrow.connect(signer).createJob(await params(), fromBalance()));
  };

  const owner = await warm(clientOwner);
  const operator = await warm(clientOperator);

  await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: 200n * USDC, dailyCap: 1_000n * USDC, allowlistOnly: true });
  await vault.connect(clientOwner).setAllowlisted(clientId, providerId, true);
  let period = nextPeriodStart(BigInt(await time.latest()), 2n);
  // Pin the ring position as well: the bucket a period maps to (period index mod 9) decides which storage slots a
  // commitment touches, so without this the figures would depend on the wall clock of the run.
  while ((period / BUCKET) % 9n !== 3n) period += BUCKET;
  const operatorLimited = await warm(clientOperator, period + 100n);
  await time.setNextBlockTimestamp(period + BUCKET + 100n);
  const operatorLimitedNewPeriod = await gasOf(escrow.connect(clientOperator).createJob(await params(), fromBalance()));
  return { owner, operator, operatorLimited, operatorLimitedNewPeriod };
}

describe("Gas of a limit check on createJob (warm), against test/gas/snapshot.json", function () {
  it("owner < unlimited operator < limited operator, each within 1% of the snapshot", async function () {
    const g = await loadFixture(limitsGasFigures);
    expect(g.owner).to.be.lessThan(g.operator);
    expect(g.operator).to.be.lessThan(g.operatorLimited);
    expect(g.operatorLimited).to.be.lessThan(g.operatorLimitedNewPeriod);
    expectGasSnapshot({
      "limits.createJob.owner": g.owner,
      "limits.createJob.operator": g.operator,
      "limits.createJob.operatorLimited": g.operatorLimited,
      "limits.createJob.operatorLimited.newPeriod": g.operatorLimitedNewPeriod,
    });
  });
});
