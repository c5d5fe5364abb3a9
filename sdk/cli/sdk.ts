/**
 * The SDK modules the CLI uses: everything in `sdk/src` except the x402 HTTP pieces, whose packages (express,
 * @x402/*) would add ~0.4 s to every CLI start.
 */
export * from "../src/actions";
export * from "../src/addresses";
export * from "../src/channels";
export * from "../src/client";
export * from "../src/discovery";
export * from "../src/errors";
export * from "../src/format";
