// solidity-coverage (`npm run coverage`, then `npm run coverage:check`). Offline: it compiles with the solc-js
// override of hardhat.config.ts like every other build. Mocks (including contracts/mocks/fuzz) are test code and
// are neither instrumented nor counted. `json-summary` feeds scripts/check-coverage.ts.
module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["html", "lcov", "text-summary", "json", "json-summary"],
  // Coverage compiles without the optimizer, and some ABI decoders (large event and struct tuples) are then "stack
  // too deep"; the Yul optimizer with stack allocation (no other optimizer step) compiles them and keeps the
  // instrumented source lines mapped.
  configureYulOptimizer: true,
  mocha: {
    timeout: 600000,
    // Instrumented bytecode costs more gas, so gas budgets and snapshots cannot hold under coverage; `npm start`
    // spawns its own node. These tests run in `npm test`; here they are skipped by title.
    grep: "npm start|Gas snapshot gate|Gas of a limit check|in ONE claim|hot-path budgets|gas of execution",
    invert: true,
  },
};
