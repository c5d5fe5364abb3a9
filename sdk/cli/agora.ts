/**
 * `agora`: the command-line face of the SDK, for agent owners and operators.
 *
 *   agora <command> [arguments] [options]      agora help [command]
 *
 * Exit codes: 0 success; 1 the action failed (a revert, an unknown agent or job, no deployment, the node or the
 * subgraph unreachable); 2 bad input (unknown command or option, a malformed address, amount or id). Errors print
 * one readable line (with `--json`, a JSON object on stdout), never a stack trace.
 */
import { parseArgs } from "node:util";
import { AgoraError, BaseError, toAgoraError } from "./sdk";
import { COMMANDS, GLOBAL_OPTIONS, findCommand, plain, type Command, type Values } from "./commands";
import { createContext, type GlobalOptions } from "./context";

const GLOBAL_HELP = [
  "Global options:",
  "  --network <name>       localhost (default), baseSepolia or base; or AGORA_NETWORK",
  "  --rpc <url>            JSON-RPC endpoint; or AGORA_RPC_URL, LOCAL_RPC_URL / BASE_SEPOLIA_RPC_URL / BASE_RPC_URL",
  "  --key-file <file>      file holding the private key that signs; or AGORA_PRIVATE_KEY",
  "  --deployment <file>    a deployment manifest instead of deployments/<network>.json",
  "  --graph <url>          subgraph endpoint for discover commands; or AGORA_GRAPH_URL",
  "  --json                 print the result (or the error) as JSON on stdout",
  "  -h, --help             help",
];

function groupOf(c: Command): string {
  return c.name.includes(" ") ? (c.name.split(" ")[0] ?? c.name) : c.name;
}

function overview(): string {
  const lines = ["Usage: agora <command> [arguments] [options]", "", "Commands:"];
  let group = "";
  for (const c of COMMANDS) {
    if (groupOf(c) !== group) {
      group = groupOf(c);
      lines.push("");
    }
    const head = `${c.name}${c.args ? ` ${c.args.join(" ")}` : ""}`;
    lines.push(`  ${head.padEnd(34)} ${c.summary}`);
  }
  lines.push("", ...GLOBAL_HELP, "", "`agora help <command>` (or `agora <command> --help`) describes a command's options.", "Amounts are USDC (e.g. 20, 1.50, 0.001); durations are seconds or 90s / 30m / 2h / 1d.");
  return lines.join("\n");
}

function commandHelp(c: Command): string {
  const head = `Usage: agora ${c.name}${c.args ? ` ${c.args.join(" ")}` : ""}${c.options ? " [options]" : ""}`;
  return [head, "", c.summary, ...(c.help ? ["", ...c.help] : []), "", ...GLOBAL_HELP].join("\n");
}

function exitCodeOf(e: AgoraError): number {
  return e.code === "INVALID_INPUT" ? 2 : 1;
}

/** Where the CLI writes: stdout for results (and `--json` errors), stderr for progress and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const PROCESS_IO: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

interface Invocation {
  json: boolean;
  io: CliIo;
}

function fail(error: unknown, inv: Invocation): number {
  const e = error instanceof AgoraError ? error : toAgoraError(error);
  if (inv.json) {
    inv.io.out(`${JSON.stringify({ ok: false, error: { code: e.code, message: e.shortMessage, errorName: e.errorName, args: plain(e.args) } })}\n`);
  } else {
    inv.io.err(`error: ${e.shortMessage}\n`);
    if (e.code === "INVALID_INPUT") inv.io.err("(agora --help lists the commands; agora <command> --help their options)\n");
  }
  return exitCodeOf(e);
}

function usageError(message: string): AgoraError {
  return new AgoraError(message, { code: "INVALID_INPUT" });
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const inv: Invocation = { json: argv.includes("--json"), io };
  try {
    // Global options may come before the command (`agora --network base job show 1`): set them aside.
    const leading: string[] = [];
    let i = 0;
    while (i < argv.length && (argv[i] ?? "").startsWith("-")) {
      const a = argv[i] ?? "";
      const name = a.replace(/^-+/, "").split("=")[0] ?? "";
      const spec = GLOBAL_OPTIONS[name] ?? Object.values(GLOBAL_OPTIONS).find((o) => o.short === name);
      if (!spec) throw usageError(`unknown option ${a} before the command`);
      leading.push(a);
      if (spec.type === "string" && !a.includes("=")) leading.push(argv[++i] ?? "");
      i += 1;
    }
    const rest = argv.slice(i);
    const words: string[] = [];
    for (const a of rest) {
      if (a.startsWith("-")) break;
      words.push(a);
    }
    if (words.length === 0 || words[0] === "help") {
      const target = words.length > 1 ? findCommand(words.slice(1)) : undefined;
      if (words.length > 1 && !target) throw usageError(`unknown command "${words.slice(1).join(" ")}"`);
      if (words.length === 0 && rest.length > 0) throw usageError(`expected a command before ${rest[0] ?? ""}`);
      io.out(`${target ? commandHelp(target.command) : overview()}\n`);
      return 0;
    }
    const found = findCommand(words);
    if (!found) {
      const group = COMMANDS.filter((c) => groupOf(c) === words[0]);
      if (group.length > 0) throw usageError(`unknown command "${words.slice(0, 2).join(" ")}": ${words[0] ?? ""} has ${group.map((c) => c.name.split(" ")[1]).join(", ")}`);
      throw usageError(`unknown command "${words[0] ?? ""}"`);
    }
    const { command, used } = found;
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args: [...rest.slice(used), ...leading], options: { ...GLOBAL_OPTIONS, ...(command.options ?? {}) }, allowPositionals: true, strict: true }) as {
        values: Values;
        positionals: string[];
      };
    } catch (error) {
      throw usageError(`${error instanceof Error ? error.message : String(error)} (agora ${command.name} --help)`);
    }
    if (parsed.values.help === true) {
      io.out(`${commandHelp(command)}\n`);
      return 0;
    }
    const maxArgs = (command.args ?? []).length;
    if (parsed.positionals.length > maxArgs) throw usageError(`unexpected argument "${parsed.positionals[maxArgs] ?? ""}" (agora ${command.name} --help)`);
    const ctx = await createContext(parsed.values as GlobalOptions, (line) => io.err(`${line}\n`));
    const out = await command.run(ctx, parsed.values, parsed.positionals);
    if (ctx.json) io.out(`${JSON.stringify({ ok: true, command: command.name, ...(plain(out.data) as Record<string, unknown>) })}\n`);
    else io.out(`${out.lines.join("\n")}\n`);
    return 0;
  } catch (error) {
    return fail(error instanceof BaseError || error instanceof AgoraError ? error : toAgoraError(error), inv);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${toAgoraError(error).shortMessage}\n`);
      process.exitCode = 1;
    },
  );
}
