import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { fromBalance, fromTransfer } from "../helpers/funding";
import { REVIEW, RESULT, withListingFixture } from "../fixtures/jobs";

const CEILING_TRANSFER = 200_000n;
const CEILING_BALANCE = 150_000n;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

/** One lifecycle (create + deliver + release) by repeat parties; returns the gas of each step. */
async function lifecycle(f: Awaited<ReturnType<typeof withListingFixture>>, funding: ReturnType<typeof fromBalance>) {
  const { escrow, clientOperator, providerOperator, stranger, listingId } = f;
  const create = await gasOf(escrow.connect(clientOperator).createJob(await f.jobParams(listingId), funding));
  const jobId = await escrow.totalJobs();
  const deliver = await gasOf(escrow.connect(providerOperator).deliver(jobId, RESULT, "ipfs://result"));
  await time.increase(REVIEW + 1n);
  const release = await gasOf(escrow.connect(stranger).release(jobId));
  return { create, deliver, release, total: create + deliver + release };
}

/** Both funding paths run twice; the second run is the warm figure. */
async function warmLifecycles() {
  const f = await withListingFixture();
  await lifecycle(f, fromBalance());
  const balance = await lifecycle(f, fromBalance());
  await lifecycle(f, fromTransfer());
  const transfer = await lifecycle(f, fromTransfer());
  return { balance, transfer };
}

describe("Job lifecycle gas (warm)", function () {
  it(`stays within ${CEILING_BALANCE} gas funded from the protocol balance`, async function () {
    const { balance } = await loadFixture(warmLifecycles);
    expect(balance.total, JSON.stringify(balance, (_, v) => (typeof v === "bigint" ? Number(v) : v))).to.be.lte(CEILING_BALANCE);
  });

  it(`stays within ${CEILING_TRANSFER} gas funded by transferFrom`, async function () {
    const { transfer } = await loadFixture(warmLifecycles);
    expect(transfer.total, JSON.stringify(transfer, (_, v) => (typeof v === "bigint" ? Number(v) : v))).to.be.lte(CEILING_TRANSFER);
  });
});
