import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { ethers } from "hardhat";
import { expectGasSnapshot } from "../helpers/gasSnapshot";
import { fromBalance, fromTransfer } from "../helpers/funding";
import { REVIEW, RESULT, withListingFixture } from "../fixtures/jobs";

/*
 * Warm job gas (repeat parties: every balance, ledger record and window slot already in use), checked against the
 * committed snapshot test/gas/snapshot.json: a figure more than 1% above its snapshot fails. After an intended
 * change: `UPDATE_GAS_SNAPSHOT=1 npx hardhat test test/integration/job-gas.test.ts` and commit the file.
 * The PROTOCOL.md §6 goals (lifecycle <= 150,000 from the balance, <= 200,000 by transferFrom) are not met yet;
 * `npm run bench` reports them against the goals.
 */

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

type Fixture = Awaited<ReturnType<typeof withListingFixture>>;

/** One lifecycle (create + deliver + release) by repeat parties, then the client's feedback; gas of each step. */
async function lifecycle(f: Fixture, funding: ReturnType<typeof fromBalance>) {
  const { escrow, clientOperator, providerOperator, stranger, listingId } = f;
  const create = await gasOf(escrow.connect(clientOperator).createJob(await f.jobParams(listingId), funding));
  const jobId = await escrow.totalJobs();
  const deliver = await gasOf(escrow.connect(providerOperator).deliver(jobId, RESULT, "ipfs://result"));
  await time.increase(REVIEW + 1n);
  const release = await gasOf(escrow.connect(stranger).release(jobId));
  const feedback = await gasOf(
    escrow.connect(clientOperator).giveFeedback(jobId, 90, "quality", "speed", "ipfs://feedback", ethers.id("feedback")),
  );
  return { create, deliver, release, total: create + deliver + release, feedback };
}

/** Both funding paths run twice (the second run is the warm figure), plus the other warm exits of a job. */
async function warmFigures() {
  const f = await withListingFixture();
  await lifecycle(f, fromBalance());
  const balance = await lifecycle(f, fromBalance());
  await lifecycle(f, fromTransfer());
  const transfer = await lifecycle(f, fromTransfer());

  const approvedJob = await f.hire(f.listingId);
  await f.escrow.connect(f.providerOperator).deliver(approvedJob, RESULT, "ipfs://result");
  const approve = await gasOf(f.escrow.connect(f.clientOperator).approve(approvedJob));
  const declinedJob = await f.hire(f.listingId);
  const decline = await gasOf(f.escrow.connect(f.providerOperator).decline(declinedJob, "ipfs://busy"));
  const cancelledJob = await f.hire(f.listingId);
  const cancel = await gasOf(f.escrow.connect(f.clientOperator).cancel(cancelledJob));
  const refundedJob = await f.hire(f.listingId);
  await time.increaseTo((await f.escrow.getJob(refundedJob)).deadline + 1n);
  const refundUnaccepted = await gasOf(f.escrow.connect(f.stranger).refund(refundedJob));
  return { balance, transfer, approve, decline, cancel, refundUnaccepted };
}

describe("Job lifecycle gas (warm), against test/gas/snapshot.json", function () {
  it("create + deliver + release + feedback stay within 1% of the snapshot", async function () {
    const { balance, transfer } = await loadFixture(warmFigures);
    // Delivery, release and feedback do not depend on how the job was funded.
    expect([transfer.deliver, transfer.release, transfer.feedback]).to.deep.equal([balance.deliver, balance.release, balance.feedback]);
    expectGasSnapshot({
      "job.create.balance": balance.create,
      "job.create.transferFrom": transfer.create,
      "job.deliver": balance.deliver,
      "job.release": balance.release,
      "job.lifecycle.balance": balance.total,
      "job.lifecycle.transferFrom": transfer.total,
      "job.feedback": balance.feedback,
    });
  });

  it("the other exits (approve, decline, cancel, unaccepted refund) stay within 1% of the snapshot", async function () {
    const { approve, decline, cancel, refundUnaccepted } = await loadFixture(warmFigures);
    expectGasSnapshot({
      "job.approve": approve,
      "job.decline": decline,
      "job.cancel": cancel,
      "job.refund.unaccepted": refundUnaccepted,
    });
  });
});
