/**
 * `ts-node graph-host/cli.ts --subgraph subgraph/build --rpc http://127.0.0.1:8545 --port 8000`
 *
 * Options:
 *   --subgraph <dir>      a `graph build` output directory (default subgraph/build)
 *   --build <dir>         run `graph codegen` + `graph build` for this subgraph directory first (output: --subgraph)
 *   --rpc <url>           JSON-RPC endpoint (default http://127.0.0.1:8545)
 *   --port <n>            query port, 0 for any free port (default 8000)
 *   --host <addr>         bind address (default 127.0.0.1)
 *   --name <name>         subgraph name in the URL (default agora)
 *   --networks <file> --network <name>   apply a graph-cli networks.json entry (addresses, start blocks) in memory
 *   --poll-ms <n>         polling interval once synced (default 250)
 *   --quiet               do not print mapping logs
 */
import { parseArgs } from "node:util";
import { buildSubgraph } from "./build";
import { GraphHost } from "./host";
import { MissingImportsError } from "./wasm/runtime";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      subgraph: { type: "string", default: "subgraph/build" },
      build: { type: "string" },
      rpc: { type: "string", default: "http://127.0.0.1:8545" },
      port: { type: "string", default: "8000" },
      host: { type: "string", default: "127.0.0.1" },
      name: { type: "string", default: "agora" },
      networks: { type: "string" },
      network: { type: "string" },
      "poll-ms": { type: "string", default: "250" },
      quiet: { type: "boolean", default: false },
    },
  });
  const buildDir = values.subgraph as string;
  if (values.build) {
    const r = await buildSubgraph({ subgraphDir: values.build, outputDir: buildDir });
    console.log(`graph-host: ${r.rebuilt ? "built" : "build up to date"} ${r.outputDir}`);
  }
  if ((values.networks === undefined) !== (values.network === undefined)) throw new Error("--networks and --network go together");
  const host = GraphHost.load({
    buildDir,
    rpcUrl: values.rpc as string,
    networks: values.networks && values.network ? { file: values.networks, network: values.network } : undefined,
    pollIntervalMs: Number(values["poll-ms"]),
    logger: (e) => {
      if (!values.quiet || e.level === "CRITICAL" || e.level === "ERROR") {
        console.log(`[${e.level}] [${e.dataSource}] block ${e.block}: ${e.message}`);
      }
    },
  });
  const server = await host.listen({ port: Number(values.port), host: values.host as string, name: values.name as string });
  host.start();
  console.log(`graph-host: indexing ${buildDir} from ${values.rpc as string}; queries at ${server.url}`);
  const stop = (): void => {
    void host.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  if (e instanceof MissingImportsError) console.error(e.message);
  else console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
