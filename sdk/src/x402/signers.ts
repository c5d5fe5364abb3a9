import type { ClientEvmSigner, FacilitatorEvmSigner } from "@x402/evm";
import {
  type InterfaceAbi,
  type JsonFragment,
  type Provider,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
  Interface,
  Result,
  getAddress,
  verifyTypedData,
} from "ethers";
import { asHex, type Hex } from "./network";

/**
 * Adapters from ethers v6 to the signer shapes of `@x402/evm` (which are modelled on viem): the x402 schemes
 * keep working unchanged while the rest of Agora stays on ethers.
 */

type TypedDataArgs = Parameters<ClientEvmSigner["signTypedData"]>[0];

function isTypedDataFieldList(value: unknown): value is TypedDataField[] {
  return (
    Array.isArray(value) &&
    value.every((f) => typeof f === "object" && f !== null && typeof (f as Record<string, unknown>).name === "string" && typeof (f as Record<string, unknown>).type === "string")
  );
}

/** viem-style `types` (may include `EIP712Domain`) to ethers types (must not). */
export function toEthersTypes(types: Record<string, unknown>): Record<string, TypedDataField[]> {
  const out: Record<string, TypedDataField[]> = {};
  for (const [name, fields] of Object.entries(types)) {
    if (name === "EIP712Domain") continue;
    if (!isTypedDataFieldList(fields)) throw new Error(`invalid EIP-712 type ${name}`);
    out[name] = fields.map((f) => ({ name: f.name, type: f.type }));
  }
  return out;
}

/** viem-style domain record to an ethers `TypedDataDomain`. */
export function toEthersDomain(domain: Record<string, unknown>): TypedDataDomain {
  const out: TypedDataDomain = {};
  if (typeof domain.name === "string") out.name = domain.name;
  if (typeof domain.version === "string") out.version = domain.version;
  const chainId = domain.chainId;
  if (typeof chainId === "number" || typeof chainId === "bigint" || typeof chainId === "string") out.chainId = BigInt(chainId);
  if (typeof domain.verifyingContract === "string") out.verifyingContract = domain.verifyingContract;
  if (typeof domain.salt === "string") out.salt = domain.salt;
  return out;
}

/** An x402 client signer (EIP-3009 `exact` payments, and anything else signed with EIP-712) over an ethers signer. */
export async function toX402ClientSigner(signer: Signer): Promise<ClientEvmSigner> {
  const address = asHex(getAddress(await signer.getAddress()));
  return {
    address,
    async signTypedData(args: TypedDataArgs): Promise<Hex> {
      return asHex(await signer.signTypedData(toEthersDomain(args.domain), toEthersTypes(args.types), args.message));
    },
  };
}

function isAbiEntry(value: unknown): value is JsonFragment | string {
  return typeof value === "string" || (typeof value === "object" && value !== null);
}

function toInterfaceAbi(abi: readonly unknown[]): InterfaceAbi {
  if (!abi.every(isAbiEntry)) throw new Error("invalid ABI");
  return abi.filter(isAbiEntry);
}

/** An ethers `Result` to the plain values viem returns (arrays of plain values, one value for one output). */
function plain(value: unknown): unknown {
  return value instanceof Result ? value.toArray(true) : value;
}

type ReceiptLogs = NonNullable<Awaited<ReturnType<FacilitatorEvmSigner["waitForTransactionReceipt"]>>["logs"]>;

/**
 * An x402 facilitator signer over an ethers signer with a provider: reads, EIP-712 checks, and the settlement
 * transactions of the `exact` scheme (`transferWithAuthorization`), with viem-shaped receipts.
 */
export async function toX402FacilitatorSigner(signer: Signer): Promise<FacilitatorEvmSigner> {
  const provider: Provider | null = signer.provider;
  if (!provider) throw new Error("facilitator signer needs a provider");
  const address = asHex(getAddress(await signer.getAddress()));

  function encode(args: { abi: readonly unknown[]; functionName: string; args?: readonly unknown[] }) {
    const iface = new Interface(toInterfaceAbi(args.abi));
    const values = [...(args.args ?? [])];
    // getFunction with values picks the right overload (e.g. transferWithAuthorization's v,r,s form).
    const fragment = iface.getFunction(args.functionName, values);
    if (!fragment) throw new Error(`function ${args.functionName} not in ABI`);
    return { iface, fragment, data: iface.encodeFunctionData(fragment, values) };
  }

  return {
    getAddresses: () => [address],
    async readContract(args) {
      const { iface, fragment, data } = encode(args);
      const raw = await provider.call({ to: args.address, data });
      const decoded = iface.decodeFunctionResult(fragment, raw);
      return fragment.outputs.length === 1 ? plain(decoded[0]) : plain(decoded);
    },
    async verifyTypedData(args) {
      try {
        const recovered = verifyTypedData(toEthersDomain(args.domain), toEthersTypes(args.types), args.message, args.signature);
        return recovered.toLowerCase() === args.address.toLowerCase();
      } catch {
        return false;
      }
    },
    async writeContract(args) {
      const { data } = encode(args);
      const suffix = args.dataSuffix && args.dataSuffix.length > 2 ? args.dataSuffix.slice(2) : "";
      const tx = await signer.sendTransaction({ to: args.address, data: data + suffix, gasLimit: args.gas });
      return asHex(tx.hash);
    },
    async sendTransaction(args) {
      const tx = await signer.sendTransaction({ to: args.to, data: args.data });
      return asHex(tx.hash);
    },
    async waitForTransactionReceipt(args) {
      // Polls getTransactionReceipt: not every provider implements waitForTransaction (Hardhat's does not).
      const deadline = Date.now() + (args.timeout ?? 60_000);
      let receipt = await provider.getTransactionReceipt(args.hash);
      while (!receipt) {
        if (Date.now() > deadline) throw new Error(`no receipt for ${args.hash}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        receipt = await provider.getTransactionReceipt(args.hash);
      }
      const logs: ReceiptLogs = receipt.logs.map((log) => ({
        address: asHex(log.address),
        blockHash: asHex(log.blockHash),
        blockNumber: BigInt(log.blockNumber),
        data: asHex(log.data),
        logIndex: log.index,
        transactionHash: asHex(log.transactionHash),
        transactionIndex: log.transactionIndex,
        removed: log.removed,
        topics: log.topics.map(asHex) as [Hex, ...Hex[]],
      }));
      return { status: receipt.status === 1 ? "success" : "reverted", logs };
    },
    async getCode(args) {
      return asHex(await provider.getCode(args.address));
    },
  };
}
