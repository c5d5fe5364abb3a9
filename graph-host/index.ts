/** The graph host's public API. See docs/GRAPH_HOST.md. */
export { buildSubgraph, type BuildOptions, type BuildResult } from "./build";
export { QueryEngine, serialize, type Json, type QueryResult } from "./graphql";
export { GraphHost, type GraphHostOptions } from "./host";
export { Indexer, type BlockPointer, type IndexingFailure, type LogEntry } from "./indexer";
export { applyNetworks, loadManifest, type Manifest } from "./manifest";
export { httpRpc, type RpcClient } from "./rpc";
export { camelCase, pluralize, queryFieldNames, Schema } from "./schema";
export { BlockWriter, EntityStore } from "./store";
export { BigDecimal, HostError, type Entity, type Value } from "./values";
export { MappingModule, MissingImportsError, UNSUPPORTED_HOST_FUNCTIONS } from "./wasm/runtime";
