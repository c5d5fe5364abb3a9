/**
 * Type routing for the `@x402/*` packages under this repo's `"moduleResolution": "node"` (node10), which ignores
 * package.json `exports` and so cannot see subpaths like `@x402/core/server` (nor `@x402/fetch`, whose
 * `types` field points at a file the package does not ship). Each declaration re-exports the package's own
 * CommonJS typings; at runtime Node resolves the same subpaths through `exports`. Delete this file if the
 * tsconfig moves to `"moduleResolution": "node16"` (then these deep paths are no longer importable).
 */
declare module "@x402/core/types" {
  export * from "@x402/core/dist/cjs/types/index";
}
declare module "@x402/core/client" {
  export * from "@x402/core/dist/cjs/client/index";
}
declare module "@x402/core/server" {
  export * from "@x402/core/dist/cjs/server/index";
}
declare module "@x402/core/facilitator" {
  export * from "@x402/core/dist/cjs/facilitator/index";
}
declare module "@x402/core/http" {
  export * from "@x402/core/dist/cjs/http/index";
}
declare module "@x402/evm/exact/client" {
  export * from "@x402/evm/dist/cjs/exact/client/index";
}
declare module "@x402/evm/exact/server" {
  export * from "@x402/evm/dist/cjs/exact/server/index";
}
declare module "@x402/evm/exact/facilitator" {
  export * from "@x402/evm/dist/cjs/exact/facilitator/index";
}
declare module "@x402/fetch" {
  export * from "@x402/fetch/dist/cjs/index";
}
declare module "@x402/express" {
  export * from "@x402/express/dist/cjs/index";
}
