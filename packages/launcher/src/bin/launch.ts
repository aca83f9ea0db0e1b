#!/usr/bin/env node
// `pnpm launch ...` inside the project's one error boundary (@bgb/shared/cli runCli): typed
// errors carry their exit code (README.md, "Exit codes") and become a line on stderr, plus a
// JSON error event on stdout under --json; never a stack trace (BGB_DEBUG=1 shows one).
// Only commander and the help text load at start; a command's code loads when it runs.
import "@bgb/shared/aws-sdk-node20";
import { EXIT, runCli, UsageError } from "@bgb/shared/cli";
import { buildProgram, type Globals, type Task } from "../cli/program.ts";
import type { Runtime } from "../cli/runtime.ts";

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
// After SIGHUP the terminal is gone and writes to it fail (EIO): runCli ignores a closed output,
// so that cannot end the cleanup, nor can `launch --help | head -1` print an EPIPE stack trace.
process.on("SIGTERM", () => controller.abort());
process.on("SIGHUP", () => controller.abort());

const write = (stream: NodeJS.WriteStream) => (text: string) => {
  stream.write(`${text}\n`);
};

async function runtime(g: Globals): Promise<Runtime> {
  const [{ findRepoRoot }, { createContext }, { askYesNo }] = await Promise.all([
    import("@bgb/shared"),
    import("../context.ts"),
    import("../cli/confirm.ts"),
  ]);
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

const argv = process.argv.slice(2);
let task: Task | undefined;
let globals: Globals = { json: argv.includes("--json") };
const program = buildProgram((t, g) => {
  task = t;
  globals = g;
});

await runCli(
  async () => {
    await program.parseAsync(argv, { from: "user" });
    return task ? await task(await runtime(globals)) : EXIT.ok;
  },
  // The launcher's stdout under --json is one result document; the human line goes to stderr too.
  () => ({ json: globals.json, stderrUnderJson: true, stopped: controller.signal.aborted }),
);
