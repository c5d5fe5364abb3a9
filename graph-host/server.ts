/**
 * The HTTP query endpoint, in graph-node's shape: POST (or GET with `?query=`) to
 * `/subgraphs/name/<name>` with `{ query, variables, operationName }`, answered with `{ data }` or `{ errors }`.
 * Binds 127.0.0.1 unless told otherwise; port 0 picks a free port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Json, QueryEngine } from "./graphql";

export interface ServerOptions {
  readonly port: number;
  readonly host?: string;
  /** Subgraph name in the URL (default `agora`). */
  readonly name?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1_000_000;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function serve(engine: QueryEngine, options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const name = options.name ?? "agora";
  const paths = new Set([`/subgraphs/name/${name}`, `/subgraphs/name/${name}/`, `/subgraphs/name/${name}/graphql`]);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", `http://${host}`);
      if (!paths.has(url.pathname)) {
        send(res, 404, { errors: [{ message: `no subgraph at ${url.pathname}; query /subgraphs/name/${name}` }] });
        return;
      }
      let query: unknown;
      let variables: unknown = null;
      let operationName: unknown = null;
      if (req.method === "GET") {
        query = url.searchParams.get("query");
        const v = url.searchParams.get("variables");
        variables = v ? (JSON.parse(v) as unknown) : null;
        operationName = url.searchParams.get("operationName");
      } else if (req.method === "POST") {
        const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
        query = body["query"];
        variables = body["variables"] ?? null;
        operationName = body["operationName"] ?? null;
      } else {
        send(res, 405, { errors: [{ message: `method ${req.method ?? "?"} not allowed` }] });
        return;
      }
      if (typeof query !== "string") {
        send(res, 400, { errors: [{ message: "The query is empty" }] });
        return;
      }
      const result = engine.execute(
        query,
        variables !== null && typeof variables === "object" ? (variables as Record<string, Json>) : null,
        typeof operationName === "string" ? operationName : null,
      );
      send(res, 200, result);
    })().catch((e: unknown) => send(res, 400, { errors: [{ message: e instanceof Error ? e.message : String(e) }] }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${port}/subgraphs/name/${name}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
