export * from "./actions";
export * from "./errors";
export * from "./secp256k1";
export * from "./voucher";
export * from "./voucherBook";
