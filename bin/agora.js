#!/usr/bin/env node
// The `agora` CLI: runs sdk/cli/agora.ts through ts-node (transpile-only). Needs `npm ci` and a compile
// (`npm run build`, which generates typechain-types/).
"use strict";
const path = require("node:path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
const { main } = require("../sdk/cli/agora.ts");
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: ${error && error.message ? error.message.split("\n")[0] : String(error)}\n`);
    process.exitCode = 1;
  },
);
