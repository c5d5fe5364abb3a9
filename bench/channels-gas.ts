/**
 * Gas of the payment-channel lifecycle and of one x402 `exact` settlement, on the Hardhat network, warm
 * (repeat parties: the provider, the client, the fee pot and the ledger counters are already non-zero).
 * The measurement is `bench/lib/gas.ts` (the same code as `npm run bench` and the gas snapshot gate); this script
 * prints only its channel figures.
 *
 *   HH_ARTIFACTS=artifacts-h4 HH_CACHE=cache-h4 npx hardhat run bench/channels-gas.ts
 *
 * Prints a table and writes bench/channels-gas.json as `{ name, value, unit, goal, met }` records.
 */
import { join } from "node:path";
import { printTable, writeFigures } from "./lib/figures";
import { measureOperations } from "./lib/gas";
import { gasFigures, micropaymentFigures } from "./lib/report";

async function main(): Promise<void> {
  const { gas } = await measureOperations();
  const channelRows = gasFigures(gas).filter((f) => f.note?.startsWith("channel.") || f.note?.startsWith("x402."));
  const figures = [...channelRows, ...micropaymentFigures(gas)];
  printTable(figures);
  writeFigures(join(__dirname, "channels-gas.json"), figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
