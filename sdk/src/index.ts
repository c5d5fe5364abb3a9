/**
 * The Agora TypeScript SDK: addresses from the deployment manifest, a client value holding the typechain
 * contracts, one function per action (with `.call`, `.populate` and an `xSync` variant), one error class, USDC
 * formatting, subgraph discovery, and the channel and x402 pieces.
 */
export * from "./actions";
export * from "./addresses";
export * from "./client";
export * from "./discovery";
export * from "./errors";
export * from "./format";
export * from "./channels";
export * from "./x402";
