import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { x402Facilitator } from "@x402/core/facilitator";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import express, { type Request, type Response } from "express";

/**
 * A local x402 facilitator over HTTP: `GET /supported`, `POST /verify`, `POST /settle`, the endpoints
 * `HTTPFacilitatorClient` calls. The x402 packages ship the facilitator logic (`x402Facilitator`) but no
 * server; this is the smallest one. Binds 127.0.0.1 on a free port unless told otherwise.
 */
export interface FacilitatorServer {
  url: string;
  close(): Promise<void>;
}

export interface StartFacilitatorServerParameters {
  facilitator: x402Facilitator;
  host?: string;
  port?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body `HTTPFacilitatorClient` posts: `{ x402Version, paymentPayload, paymentRequirements }`. */
function parseBody(body: unknown): { paymentPayload: PaymentPayload; paymentRequirements: PaymentRequirements } | undefined {
  if (!isRecord(body) || !isRecord(body.paymentPayload) || !isRecord(body.paymentRequirements)) return undefined;
  const p = body.paymentPayload;
  const r = body.paymentRequirements;
  if (typeof p.x402Version !== "number" || !isRecord(p.accepted) || !isRecord(p.payload)) return undefined;
  if (typeof r.scheme !== "string" || typeof r.network !== "string" || typeof r.amount !== "string" || typeof r.asset !== "string") return undefined;
  if (typeof r.payTo !== "string" || typeof r.maxTimeoutSeconds !== "number" || !isRecord(r.extra)) return undefined;
  // Shape checked above; the scheme mechanisms validate their own payload fields.
  return { paymentPayload: p as PaymentPayload, paymentRequirements: r as PaymentRequirements };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function startFacilitatorServer(params: StartFacilitatorServerParameters): Promise<FacilitatorServer> {
  const { facilitator } = params;
  const app = express();
  app.use(express.json({ limit: "256kb" }));

  app.get("/supported", (_req: Request, res: Response) => {
    res.json(facilitator.getSupported());
  });

  app.post("/verify", async (req: Request, res: Response) => {
    const body = parseBody(req.body);
    if (!body) {
      res.status(400).json({ isValid: false, invalidReason: "invalid_request" });
      return;
    }
    try {
      res.json(await facilitator.verify(body.paymentPayload, body.paymentRequirements));
    } catch (error) {
      res.status(400).json({ isValid: false, invalidReason: "unsupported_or_failed", invalidMessage: message(error) });
    }
  });

  app.post("/settle", async (req: Request, res: Response) => {
    const body = parseBody(req.body);
    if (!body) {
      res.status(400).json({ success: false, errorReason: "invalid_request", transaction: "", network: "" });
      return;
    }
    try {
      res.json(await facilitator.settle(body.paymentPayload, body.paymentRequirements));
    } catch (error) {
      res.status(400).json({
        success: false,
        errorReason: "unsupported_or_failed",
        errorMessage: message(error),
        transaction: "",
        network: body.paymentRequirements.network,
      });
    }
  });

  return listen(app, params.host ?? "127.0.0.1", params.port ?? 0);
}

/** Starts `app` on host:port (0 = a free port) and returns its URL and a closer. */
export async function listen(app: express.Express, host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once("error", reject);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
