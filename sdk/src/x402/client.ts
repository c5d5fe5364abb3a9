import type { SpendControlAsset } from "@x402/core/client";
import type { ClientEvmSigner } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { type Network, wrapFetchWithPayment, x402Client } from "@x402/fetch";
import type { ChannelEvmClientScheme } from "./channel/client";
import { CHANNEL_SCHEME } from "./channel/types";

export interface CreatePayingFetchParameters {
  network: Network;
  /** Pay with `exact` (EIP-3009) using this signer. */
  exact?: ClientEvmSigner;
  /** Pay with channel vouchers through this scheme (sessions registered on it). */
  channel?: ChannelEvmClientScheme;
  /** When the server offers both, which to use. Default: `channel` when enabled. */
  prefer?: "exact" | "channel";
  /** Non-default tokens the client agrees to pay with (x402 only trusts its known USDC list by default). */
  allowedAssets: SpendControlAsset[];
  fetch?: typeof globalThis.fetch;
}

export interface PayingFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  client: x402Client;
}

/**
 * `fetch` that pays 402 responses with the official `@x402/fetch` wrapper and an `x402Client` holding the
 * `exact` scheme (`@x402/evm`) and/or the Agora `channel` scheme.
 */
export function createPayingFetch(params: CreatePayingFetchParameters): PayingFetch {
  const client = new x402Client();
  if (params.exact) client.register(params.network, new ExactEvmScheme(params.exact));
  if (params.channel) client.register(params.network, params.channel);
  const prefer = params.prefer ?? (params.channel ? CHANNEL_SCHEME : "exact");
  client.registerPolicy((_version, reqs) => {
    const preferred = reqs.filter((r) => r.scheme === prefer);
    return preferred.length > 0 ? preferred : reqs;
  });
  client.setSpendControls({ allowedAssets: params.allowedAssets });
  return { fetch: wrapFetchWithPayment(params.fetch ?? globalThis.fetch, client), client };
}
