import type { RouteConfig, RoutesConfig } from "@x402/core/server";
import { HTTPFacilitatorClient, x402ResourceServer } from "@x402/core/server";
import type { Network } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { paymentMiddleware } from "@x402/express";
import { getAddress, parseUnits } from "ethers";
import express, { type Request, type RequestHandler, type Response } from "express";
import type { ChannelEvmServerScheme } from "./channel/server";
import { CHANNEL_SCHEME } from "./channel/types";
import { listen } from "./facilitatorServer";

/** One payment option of a route (the package does not export the type by name). */
type PaymentOption = Extract<RouteConfig["accepts"], readonly unknown[]>[number];

/** The token both schemes are priced in (the mock USDC locally, Circle's USDC on Base). */
export interface PriceAsset {
  address: string;
  /** EIP-712 domain of the token, for EIP-3009 (`exact`). */
  name: string;
  version: string;
  decimals: number;
}

export interface StartProviderServerParameters {
  facilitatorUrl: string;
  network: Network;
  asset: PriceAsset;
  /** Price per call, e.g. `"$0.001"`. */
  price: string;
  /** Path of the paid endpoint (GET). Default `/paid`. */
  path?: string;
  /** Offer the standard `exact` scheme (EIP-3009 straight to `payTo`). */
  exact?: { payTo: string };
  /** Offer the Agora `channel` scheme (vouchers booked by the scheme, claimed later). */
  channel?: { scheme: ChannelEvmServerScheme; payTo: string };
  handler?: RequestHandler;
  /** How long a signed `exact` authorization stays valid (x402 default 300 s). */
  maxTimeoutSeconds?: number;
  host?: string;
  port?: number;
}

export interface ProviderServer {
  url: string;
  /** Full URL of the paid endpoint. */
  endpoint: string;
  resourceServer: x402ResourceServer;
  close(): Promise<void>;
}

/**
 * A provider's paid HTTP endpoint: express + `@x402/express` middleware answering 402 with one payment option
 * per enabled scheme (`exact` and/or `channel`), verified and settled through the facilitator at
 * `facilitatorUrl`. Binds 127.0.0.1 on a free port unless told otherwise.
 */
export async function startProviderServer(params: StartProviderServerParameters): Promise<ProviderServer> {
  const asset = getAddress(params.asset.address);
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: params.facilitatorUrl }));
  const accepts: PaymentOption[] = [];
  if (params.exact) {
    // `$` prices on a chain the package has no default asset for: map them to our token.
    const exact = new ExactEvmScheme().registerMoneyParser(async (amount, network) =>
      network === params.network
        ? { amount: parseUnits(String(amount), params.asset.decimals).toString(), asset, extra: { name: params.asset.name, version: params.asset.version } }
        : null,
    );
    resourceServer.register(params.network, exact);
    accepts.push({
      scheme: "exact",
      network: params.network,
      payTo: getAddress(params.exact.payTo),
      price: params.price,
      maxTimeoutSeconds: params.maxTimeoutSeconds,
    });
  }
  if (params.channel) {
    resourceServer.register(params.network, params.channel.scheme);
    accepts.push({
      scheme: CHANNEL_SCHEME,
      network: params.network,
      payTo: getAddress(params.channel.payTo),
      price: params.price,
      maxTimeoutSeconds: params.maxTimeoutSeconds,
    });
  }
  if (accepts.length === 0) throw new Error("enable at least one scheme");

  const path = params.path ?? "/paid";
  const routes: RoutesConfig = {
    [`GET ${path}`]: { accepts, description: "Agora paid endpoint", mimeType: "application/json" },
  };
  const app = express();
  app.use(paymentMiddleware(routes, resourceServer));
  let calls = 0;
  app.get(
    path,
    params.handler ??
      ((_req: Request, res: Response) => {
        calls += 1;
        res.json({ ok: true, call: calls });
      }),
  );
  const { url, close } = await listen(app, params.host ?? "127.0.0.1", params.port ?? 0);
  return { url, endpoint: `${url}${path}`, resourceServer, close };
}
