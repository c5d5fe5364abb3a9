/**
 * Measures the job hot path of the redesign proposed in docs/PERFORMANCE.md with a bench-only prototype
 * (`bench/prototype/LeanJobs.sol`, compiled here with solc-js 0.8.28 and hardhat.config.ts's optimizer settings;
 * it is not in `contracts/` and Hardhat never compiles it). Same warm lifecycle as `bench/lib/gas.ts`: $100
 * Fixed listing, 1% fee, reputation update, operators acting, the second run of each funding path is the figure.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type BaseContract, type ContractTransactionResponse, ContractFactory, type InterfaceAbi, type Result } from "ethers";
import { ethers } from "hardhat";
import { USDC } from "../../test/fixtures/agora";
import { PRICE, REVIEW, RESULT, SLA, SPEC, withEscrowFixture } from "../../test/fixtures/jobs";
import { VAULT_ALLOWANCE, gasOf } from "./gas";

const PROTOTYPES = path.join(__dirname, "..", "prototype");

interface Compiled {
  abi: InterfaceAbi;
  bytecode: string;
}

/** Compiles `bench/prototype/<name>.sol` with the repository's solc-js (0.8.28), optimizer on, 10,000 runs, cancun. */
export function compilePrototype(name: "LeanJobs" | "LeanJobsPacked"): Compiled {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { [`${name}.sol`]: { content: readFileSync(path.join(PROTOTYPES, `${name}.sol`), "utf8") } },
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
      outputSelection: { "*": { [name]: ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const c = output.contracts?.[`${name}.sol`]?.[name];
  if (!c) throw new Error(`${name} not compiled`);
  return { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
}

type Lean = BaseContract & Record<string, (...args: unknown[]) => Promise<ContractTransactionResponse>>;

export interface PrototypeLifecycle {
  create: bigint;
  deliver: bigint;
  release: bigint;
  total: bigint;
  hashes: { create: string; deliver: string; release: string };
}

export interface PrototypeMeasurement {
  balance: PrototypeLifecycle;
  transferFrom: PrototypeLifecycle;
  /** Address -> name, for the tracer. */
  names: Record<string, string>;
}

/**
 * The warm lifecycle on a prototype: `LeanJobs` (plan steps 1-6, ABI struct records) or `LeanJobsPacked` (plus
 * steps 7-8, packed records and events).
 */
export async function measurePrototype(name: "LeanJobs" | "LeanJobsPacked"): Promise<PrototypeMeasurement> {
  const packed = name === "LeanJobsPacked";
  const f = await withEscrowFixture();
  const { usdc, deployer, clientOwner, clientOperator, providerOwner, providerOperator, stranger } = f;
  const { abi, bytecode } = compilePrototype(name);
  const lean = (await new ContractFactory(abi, bytecode, deployer).deploy(await usdc.getAddress(), 100)) as unknown as Lean;
  await lean.waitForDeployment();
  const leanAddress = await lean.getAddress();
  const as = (signer: typeof deployer) => lean.connect(signer) as Lean;

  await (await as(clientOwner).register(clientOperator.address)).wait();
  const clientId = 1n;
  await (await as(providerOwner).register(providerOperator.address)).wait();
  const providerId = 2n;
  for (const payer of [clientOwner, clientOperator]) {
    await (await usdc.mint(payer.address, 100_000n * USDC)).wait();
    await (await usdc.connect(payer).approve(leanAddress, VAULT_ALLOWANCE)).wait();
  }
  await (await as(clientOwner).deposit(clientId, 10_000n * USDC)).wait();
  // The provider already holds a balance (warm), as in the current contracts' warm figures.
  await (await usdc.mint(providerOwner.address, USDC)).wait();
  await (await usdc.connect(providerOwner).approve(leanAddress, USDC)).wait();
  await (await as(providerOwner).deposit(providerId, USDC)).wait();
  const arbitrator = await f.arbitrator.getAddress();
  const listing = { providerId, price: PRICE, slaSeconds: SLA, reviewWindow: REVIEW, collateralBps: 0n, arbitrator, validator: ethers.ZeroAddress };
  const l0 = (providerId << 192n) | (PRICE << 128n) | (SLA << 96n) | (REVIEW << 64n);
  const packedListing = [l0, BigInt(arbitrator), 0n];
  if (packed) await (await as(providerOperator).publish(packedListing)).wait();
  else await (await as(providerOperator).publish(listing)).wait();
  const listingId = 1n;

  const iface = lean.interface;
  const eventOf = async (hash: string, event: string) => {
    const receipt = await ethers.provider.getTransactionReceipt(hash);
    const log = receipt?.logs.map((l) => iface.parseLog(l)).find((l) => l?.name === event);
    if (!log) throw new Error(`${name}: no ${event}`);
    return log.args;
  };
  const lifecycle = async (source: number): Promise<PrototypeLifecycle> => {
    const deadline = BigInt(await time.latest()) + 2n * SLA;
    const create = await gasOf(
      packed
        ? as(clientOperator).createJob(clientId, listingId, packedListing, PRICE, deadline, SPEC, source)
        : as(clientOperator).createJob(clientId, listingId, listing, PRICE, deadline, SPEC, source),
    );
    const created = await eventOf(create.hash, "JobCreated");
    const jobId = created.jobId as bigint;
    let deliver: { gas: bigint; hash: string };
    let release: { gas: bigint; hash: string };
    if (packed) {
      const w1 = created.w1 as bigint;
      deliver = await gasOf(as(providerOperator).deliver(jobId, created.w0 as bigint, w1, RESULT, "ipfs://result"));
      const w0 = (await eventOf(deliver.hash, "JobDelivered")).w0 as bigint;
      await time.increase(REVIEW + 1n);
      release = await gasOf(as(stranger).release(jobId, w0, w1));
    } else {
      const job = (created.job as Result).toObject() as Record<string, unknown>;
      deliver = await gasOf(as(providerOperator).deliver(jobId, job, RESULT, "ipfs://result"));
      const delivered = await eventOf(deliver.hash, "JobDelivered");
      await time.increase(REVIEW + 1n);
      release = await gasOf(as(stranger).release(jobId, { ...job, state: 3n, time: delivered.reviewEndsAt as bigint }));
    }
    return {
      create: create.gas,
      deliver: deliver.gas,
      release: release.gas,
      total: create.gas + deliver.gas + release.gas,
      hashes: { create: create.hash, deliver: deliver.hash, release: release.hash },
    };
  };
  await lifecycle(0);
  const balance = await lifecycle(0);
  await lifecycle(1);
  const transferFrom = await lifecycle(1);
  const names: Record<string, string> = { [leanAddress.toLowerCase()]: `${name} (prototype)`, [(await usdc.getAddress()).toLowerCase()]: "MockUSDC" };
  return { balance, transferFrom, names };
}
