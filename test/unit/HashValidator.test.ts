import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { HashValidator__factory } from "../../typechain-types";

const Verdict = { Pending: 0n, Approved: 1n, Rejected: 2n } as const;

async function hashValidatorFixture() {
  const [deployer] = await ethers.getSigners();
  return { validator: await new HashValidator__factory(deployer).deploy() };
}

describe("HashValidator", function () {
  it("approves a result equal to the spec", async function () {
    const { validator } = await loadFixture(hashValidatorFixture);
    const spec = ethers.id("expected output");
    expect(await validator.validate(1n, spec, spec)).to.equal(Verdict.Approved);
    expect(await validator.validate(2n, ethers.ZeroHash, ethers.ZeroHash)).to.equal(Verdict.Approved);
  });

  it("rejects any other result, never answers Pending", async function () {
    const { validator } = await loadFixture(hashValidatorFixture);
    const spec = ethers.id("expected output");
    expect(await validator.validate(1n, spec, ethers.id("other output"))).to.equal(Verdict.Rejected);
    expect(await validator.validate(1n, spec, ethers.ZeroHash)).to.equal(Verdict.Rejected);
    expect(await validator.validate(1n, ethers.ZeroHash, spec)).to.equal(Verdict.Rejected);
  });

  it("is idempotent and independent of the job id", async function () {
    const { validator } = await loadFixture(hashValidatorFixture);
    const a = ethers.id("a");
    const b = ethers.id("b");
    for (const jobId of [0n, 1n, 2n ** 256n - 1n]) {
      expect(await validator.validate(jobId, a, a)).to.equal(Verdict.Approved);
      expect(await validator.validate(jobId, a, b)).to.equal(Verdict.Rejected);
    }
  });
});
