// The one CLI error boundary (@bgb/shared/cli) that every bin uses: the exit code comes from the
// error, the user sees one line (or one JSON event under --json), never a stack trace, and a
// reader that went away (`bgb-sync --help | head -1`) causes no noise.
import { spawn } from "node:child_process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import {
  CliError,
  EnvironmentError,
  EXIT,
  exitCodeFor,
  FailedError,
  InterruptedError,
  reportError,
  UsageError,
} from "../src/cli/index.ts";

/** Shaped as commander's CommanderError (shared does not depend on commander; the CLIs' own
 * tests drive the real one through this boundary). */
class CommanderError extends Error {
  constructor(
    readonly exitCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const fixture = fileURLToPath(new URL("fixtures/cli-boundary-bin.ts", import.meta.url));

function sink() {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

function report(err: unknown, o: { json: boolean; stderrUnderJson?: boolean; stopped?: boolean }) {
  const out = sink();
  const err2 = sink();
  const code = reportError(err, { ...o, stdout: out.stream, stderr: err2.stream });
  return { code, stdout: out.text(), stderr: err2.text() };
}

describe("exitCodeFor", () => {
  test("each base class carries its row of the exit table", () => {
    expect(exitCodeFor(new FailedError("x"))).toBe(1);
    expect(exitCodeFor(new UsageError("x"))).toBe(2);
    expect(exitCodeFor(new EnvironmentError("x"))).toBe(3);
    expect(exitCodeFor(new InterruptedError())).toBe(130);
    expect(exitCodeFor(new Error("x"))).toBe(1);
    expect(exitCodeFor("a string")).toBe(1);
  });

  test("a package's class keeps its base's code, or says its own", () => {
    class ConfigError extends UsageError {}
    class PreflightError extends UsageError {
      constructor(readonly environmental: boolean) {
        super("preflight failed");
      }
      override get exitCode() {
        return this.environmental ? EXIT.environment : EXIT.usage;
      }
    }
    expect(exitCodeFor(new ConfigError("x"))).toBe(2);
    expect(exitCodeFor(new PreflightError(false))).toBe(2);
    expect(exitCodeFor(new PreflightError(true))).toBe(3);
  });

  test("commander: --help and --version are 0, its usage errors 2 (not its own 1)", () => {
    expect(exitCodeFor(new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"))).toBe(0);
    expect(exitCodeFor(new CommanderError(0, "commander.version", "1.0.0"))).toBe(0);
    expect(exitCodeFor(new CommanderError(1, "commander.unknownOption", "error: x"))).toBe(2);
  });
});

describe("reportError", () => {
  test("plain: one line on stderr, nothing on stdout", () => {
    const r = report(new EnvironmentError('bucket "b" does not exist'), { json: false });
    expect(r).toEqual({ code: 3, stdout: "", stderr: 'error: bucket "b" does not exist\n' });
  });

  test("--json: exactly one error event on stdout, stderr left empty", () => {
    const r = report(new UsageError("--concurrency: 0 is outside 1..256"), { json: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({
      event: "error",
      message: "--concurrency: 0 is outside 1..256",
      exit_code: 2,
    });
  });

  test("--json with stderrUnderJson (the launcher): the line on stderr too; lines in both", () => {
    class ConfigError extends UsageError {
      constructor(
        message: string,
        override readonly lines: readonly string[],
      ) {
        super(message);
      }
    }
    const r = report(new ConfigError("invalid config", ["configs/gpus.yaml: a: bad"]), {
      json: true,
      stderrUnderJson: true,
    });
    expect(r.stderr).toBe("configs/gpus.yaml: a: bad\nerror: invalid config\n");
    expect(JSON.parse(r.stdout)).toEqual({
      event: "error",
      message: "invalid config",
      exit_code: 2,
      lines: ["configs/gpus.yaml: a: bad"],
    });
  });

  test("an error whose command already printed its JSON document adds no event", () => {
    class Reported extends CliError {
      get exitCode() {
        return EXIT.usage;
      }
      override get reportedOnStdout() {
        return true;
      }
    }
    const r = report(new Reported("preflight failed"), { json: true, stderrUnderJson: true });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "error: preflight failed\n" });
  });

  test("commander's own errors: it printed them; --json adds the event without 'error: '", () => {
    const e = new CommanderError(1, "commander.unknownOption", "error: unknown option '--x'");
    expect(report(e, { json: false })).toEqual({ code: 2, stdout: "", stderr: "" });
    const j = report(e, { json: true });
    expect(JSON.parse(j.stdout)).toMatchObject({ message: "unknown option '--x'", exit_code: 2 });
    const help = new CommanderError(0, "commander.helpDisplayed", "(outputHelp)");
    expect(report(help, { json: true })).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  test("an unexpected error: one line, no stack trace; after a stop signal it is 130", () => {
    const r = report(new TypeError("x is undefined"), { json: false });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: unexpected: x is undefined (BGB_DEBUG=1 for details)\n");
    const s = report(new TypeError("x is undefined"), { json: false, stopped: true });
    expect(s).toEqual({ code: 130, stdout: "", stderr: "error: interrupted\n" });
  });

  test("a closed output (EPIPE) is not reported: nobody reads it", () => {
    const epipe = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
    expect(report(epipe, { json: true })).toEqual({ code: 1, stdout: "", stderr: "" });
  });
});

/** Runs the fixture bin with its stdout closed before the first byte (or captured). */
function run(args: string[], closeStdout: boolean) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", fixture, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    if (closeStdout) child.stdout.destroy();
    else child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("runCli (a real process)", () => {
  test("writes into a closed pipe: exit 0, nothing on stderr", async () => {
    expect(await run(["write-all"], true)).toMatchObject({ code: 0, stderr: "" });
  });

  test("an awaited write that fails with EPIPE: quiet, exit 1 (the work did not finish)", async () => {
    expect(await run(["write-awaited"], true)).toMatchObject({ code: 1, stderr: "" });
  });

  test("--json: one error event on stdout, the documented code, stderr empty", async () => {
    const r = await run(["usage", "--json"], false);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("");
    expect(
      r.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        event: "error",
        message: "--part-size: 1KiB is outside S3's 5MiB..5GiB part limits",
        exit_code: 2,
      },
    ]);
  });

  test("an unexpected error: one line, no stack trace", async () => {
    const r = await run(["unexpected"], false);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: unexpected: cannot read properties of undefined (BGB_DEBUG=1 for details)\n",
    );
  });
});
