/**
 * Off-chain voucher throughput on one core (sign + verify, every check `PaymentChannels.claim` makes), median of
 * three runs per secp256k1 backend. The measurement lives in `bench/lib/vouchers.ts`, shared with `npm run bench`.
 *
 *   npx ts-node --transpile-only bench/vouchers.ts
 *
 * Prints a table and writes bench/vouchers.json as `{ name, value, unit, goal, met }` records. Figures are
 * measured here, never asserted in a timed test (PROTOCOL.md §6).
 */
import { join } from "node:path";
import { printTable, writeFigures } from "./lib/figures";
import { benchVouchers } from "./lib/vouchers";

function main(): void {
  const { figures } = benchVouchers();
  printTable(figures);
  writeFigures(join(__dirname, "vouchers.json"), figures);
}

main();
