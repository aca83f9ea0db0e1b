#!/usr/bin/env node
// `pnpm launch ...`. The one error boundary: typed errors become a line on stderr and a
// documented exit code (README.md); never a stack trace (BGB_DEBUG=1 shows one).
import "@bgb/shared/aws-sdk-node20";
import { errorEvent, findRepoRoot, ignoreClosedOutput } from "@bgb/shared";
import { CommanderError } from "commander";
import { askYesNo } from "../cli/confirm.ts";
import { buildProgram, type Globals, type Task } from "../cli/program.ts";
import type { Runtime } from "../cli/runtime.ts";
import { createContext } from "../context.ts";
import {
  ConfigError,
  EnvironmentError,
  EXIT,
  type ExitCode,
  InterruptedError,
  LaunchFailedError,
  PreflightError,
  UsageError,
} from "../errors.ts";

const controller = new AbortController();
let interrupts = 0;
process.on("SIGINT", () => {
  interrupts++;
  if (interrupts === 1) controller.abort();
  else process.exit(EXIT.interrupted); // a second Ctrl-C: the registry is already consistent
});
// `timeout`, a CI cancel, `kill` (SIGTERM) and a closed terminal (SIGHUP) stop a launch as
// Ctrl-C does: the run is stopped and recorded, or left launched, never left unrecorded. They
// reach this process however it was started: the root scripts `exec` it, and pnpm forwards
// SIGTERM and SIGHUP to its script (test/integration/signals.test.ts).
process.on("SIGTERM", () => controller.abort());
process.on("SIGHUP", () => controller.abort());
// After SIGHUP the terminal is gone and writes to it fail (EIO): that must not end the cleanup;
// nor may `launch --help | head -1` print an EPIPE stack trace.
ignoreClosedOutput();

const write = (stream: NodeJS.WriteStream) => (text: string) => {
  stream.write(`${text}\n`);
};

function runtime(g: Globals): Runtime {
  let root: string;
  try {
    root = findRepoRoot();
  } catch {
    throw new UsageError("run pnpm launch inside the project (no pnpm-workspace.yaml above here)");
  }
  return {
    ctx: createContext({ root, modalBin: g.modalBin }),
    json: g.json,
    signal: controller.signal,
    out: write(process.stdout),
    err: write(process.stderr),
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    ask: askYesNo,
  };
}

function report(err: unknown, json: boolean): ExitCode {
  const fail = (code: ExitCode, message: string, lines: readonly string[] = []) => {
    for (const l of lines) process.stderr.write(`${l}\n`);
    process.stderr.write(`error: ${message}\n`);
    if (json && !(err instanceof PreflightError)) {
      // With --json a script reads stdout; PreflightError already printed its plan there.
      process.stdout.write(`${JSON.stringify(errorEvent(message, code, lines))}\n`);
    }
    return code;
  };
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return EXIT.ok; // --help, --version
    // commander printed the message and the usage hint on stderr already.
    const message = err.message.replace(/^error: /, "").replaceAll("\n", " ");
    if (json) process.stdout.write(`${JSON.stringify(errorEvent(message, EXIT.usage))}\n`);
    return EXIT.usage;
  }
  if (err instanceof ConfigError) return fail(EXIT.usage, err.message, err.lines);
  if (err instanceof UsageError) return fail(EXIT.usage, err.message);
  if (err instanceof PreflightError) {
    return fail(err.environmental ? EXIT.environment : EXIT.usage, err.message);
  }
  if (err instanceof EnvironmentError) return fail(EXIT.environment, err.message);
  if (err instanceof InterruptedError) return fail(EXIT.interrupted, err.message);
  if (err instanceof LaunchFailedError) return fail(EXIT.failed, err.message);
  if (controller.signal.aborted) return fail(EXIT.interrupted, "interrupted");
  if (process.env.BGB_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  const message = err instanceof Error ? err.message : String(err);
  return fail(EXIT.failed, `unexpected: ${message} (BGB_DEBUG=1 for details)`);
}

const argv = process.argv.slice(2);
let task: Task | undefined;
let globals: Globals = { json: argv.includes("--json") };
const program = buildProgram((t, g) => {
  task = t;
  globals = g;
});

let code: ExitCode;
try {
  await program.parseAsync(argv, { from: "user" });
  code = task ? await task(runtime(globals)) : EXIT.ok;
} catch (err) {
  code = report(err, globals.json);
}
// Let stdout drain before leaving (pipes are asynchronous).
await new Promise<void>((r) => process.stdout.write("", () => r()));
process.exit(code);
