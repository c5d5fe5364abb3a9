// solidity-coverage (`npm run coverage`, then `npm run coverage:check`). Offline: it compiles with the solc-js
// override of hardhat.config.ts like every other build. Mocks (including contracts/mocks/fuzz) are test code and
// are neither instrumented nor counted. `json-summary` feeds scripts/check-coverage.ts.
const fs = require("fs");
const path = require("path");

/** Forget what the build cache says was compiled: coverage must compile (and write typechain factories) itself. */
function forgetCompiledFiles(config) {
  fs.rmSync(path.join(config.paths.cache, "solidity-files-cache.json"), { force: true });
}

module.exports = {
  // The instrumented build goes to the configured artifacts dir (HH_ARTIFACTS). Without this, a second coverage run
  // finds the previous instrumented artifacts "up to date", skips compiling and so does not regenerate
  // typechain-types, and the tests then deploy whatever bytecode another build last wrote there (no coverage).
  onPreCompile: forgetCompiledFiles,
  // And the next ordinary compile in this dir rebuilds the optimized artifacts instead of reusing instrumented ones.
  onIstanbulComplete: forgetCompiledFiles,
  skipFiles: ["mocks/"],
  istanbulReporter: ["html", "lcov", "text-summary", "json", "json-summary"],
  // Coverage compiles without the optimizer, and some ABI decoders (large event and struct tuples) are then "stack
  // too deep"; the Yul optimizer with stack allocation (no other optimizer step) compiles them and keeps the
  // instrumented source lines mapped.
  configureYulOptimizer: true,
  mocha: {
    timeout: 600000,
    // Skipped here by title, all run in `npm test`: gas budgets and snapshots (instrumented bytecode costs more gas),
    // `npm start` (spawns its own node), and the stateful fuzzer (every EVM step is traced into JS under coverage,
    // ~20 s per run; the gate is met without it, so coverage stays deterministic and about 5 minutes).
    grep: "npm start|Gas snapshot gate|Gas of a limit check|in ONE claim|hot-path budgets|gas of execution|Agora stateful fuzzing",
    invert: true,
  },
};
