/**
 * A minimal GraphQL client for a graph-node-compatible endpoint (`…/subgraphs/name/agora`): the local graph host
 * that `npm start` runs, a hosted graph-node or The Graph's gateway. No cache, no global state.
 */
import { AgoraError, toAgoraError } from "../errors";

export interface GraphClient {
  readonly url: string;
  /** Runs `query` with `variables`; resolves to `data`, or throws `AgoraError` (`SUBGRAPH` / `NETWORK`). */
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export interface CreateGraphClientParameters {
  url: string;
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** @example const graph = createGraphClient({ url: "http://127.0.0.1:8000/subgraphs/name/agora" }); */
export function createGraphClient(params: CreateGraphClientParameters): GraphClient {
  const doFetch = params.fetch ?? globalThis.fetch;
  return {
    url: params.url,
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      let res: Response;
      try {
        res = await doFetch(params.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(params.timeoutMs ?? 10_000),
        });
      } catch (error) {
        const e = toAgoraError(error);
        throw new AgoraError(`cannot reach the subgraph at ${params.url}: ${e.shortMessage}`, { code: "NETWORK", cause: error, docsPath: "ARCHITECTURE.md#discovery" });
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (!isRecord(body)) {
        throw new AgoraError(`the subgraph at ${params.url} answered HTTP ${res.status} without a GraphQL body`, { code: "SUBGRAPH" });
      }
      const errors = body.errors;
      if (Array.isArray(errors) && errors.length > 0) {
        const messages = errors.map((e) => (isRecord(e) && typeof e.message === "string" ? e.message : JSON.stringify(e)));
        throw new AgoraError(`subgraph query failed: ${messages.join("; ")}`, { code: "SUBGRAPH", details: query.trim().split("\n")[0] });
      }
      if (!isRecord(body.data)) throw new AgoraError(`the subgraph at ${params.url} returned no data`, { code: "SUBGRAPH" });
      // The query text fixes the shape; each typed query below declares it.
      return body.data as T;
    },
  };
}
