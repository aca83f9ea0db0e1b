// Runs a program from an argv array (no shell) and reports what happened as data: exit code,
// signal, timeout, abort and captured output. Callers decide what a result means, except for
// output past the capture limit: that is an error, never a silently shortened string.
import { spawn } from "node:child_process";
import { basename } from "node:path";
import { LaunchFailedError } from "../errors.ts";

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError: string | null;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Per stream. Modal's JSON listings are kilobytes; a flood means something else went wrong. */
export const MAX_CAPTURE_BYTES = 8 * 1024 * 1024;

/** 1: a program wrote more than the launcher keeps; parsing a cut-off text would mislead. */
export class CommandOutputTooLargeError extends LaunchFailedError {
  override name = "CommandOutputTooLargeError";
  constructor(
    readonly command: string,
    readonly stream: "stdout" | "stderr",
  ) {
    super(
      `\`${command}\` wrote more than ${MAX_CAPTURE_BYTES / 1024 / 1024} MiB to ${stream} (the launcher keeps at most that much of a command's output); it was stopped`,
    );
  }
}

/** The program and its leading subcommand words (`modal app list`), for messages. */
function commandName(argv: readonly string[]): string {
  const [file = "", ...rest] = argv;
  const words = rest.slice(0, 3).filter((a) => /^[a-z][\w-]*$/i.test(a));
  return [basename(file), ...words].join(" ");
}

/** Rejects with CommandOutputTooLargeError (after stopping the program) when a stream overflows. */
export function runCommand(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error("runCommand: empty argv");
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const size = { stdout: 0, stderr: 0 };
    let overflow: "stdout" | "stderr" | null = null;
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (into: Buffer[], stream: "stdout" | "stderr") => (b: Buffer) => {
      if (overflow) return;
      size[stream] += b.length;
      if (size[stream] <= MAX_CAPTURE_BYTES) into.push(b);
      else {
        overflow = stream;
        stop();
      }
    };
    child.stdout.on("data", keep(out, "stdout"));
    child.stderr.on("data", keep(err, "stderr"));
    const stop = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      // A program that ignores SIGTERM still must not hold the launcher forever.
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }, 5000).unref();
    };
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, opts.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (r: Partial<CommandResult>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (overflow) {
        reject(new CommandOutputTooLargeError(commandName(argv), overflow));
        return;
      }
      resolve({
        code: null,
        signal: null,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
        aborted,
        spawnError: null,
        ...r,
      });
    };
    child.on("error", (e: NodeJS.ErrnoException) => finish({ spawnError: e.code ?? e.message }));
    child.on("close", (code, signal) => finish({ code, signal }));
  });
}

/** The last non-empty line of a failed command's output: Modal puts its error there. */
export function lastLine(r: Pick<CommandResult, "stdout" | "stderr" | "spawnError">): string {
  if (r.spawnError) return `could not start (${r.spawnError})`;
  const lines = `${r.stdout}\n${r.stderr}`
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? "no output";
}

/** Runs a program with the terminal attached (logs -f, pull): the user sees it directly. */
export function runAttached(
  argv: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: string | null }> {
  const [file, ...args] = argv;
  if (!file) throw new Error("runAttached: empty argv");
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: "inherit" });
    // Ctrl-C reaches the child through the terminal's process group; the launcher just waits.
    const ignore = () => {};
    process.on("SIGINT", ignore);
    const done = (r: {
      code: number | null;
      signal: NodeJS.Signals | null;
      spawnError: string | null;
    }) => {
      process.off("SIGINT", ignore);
      resolve(r);
    };
    child.on("error", (e: NodeJS.ErrnoException) =>
      done({ code: null, signal: null, spawnError: e.code ?? e.message }),
    );
    child.on("close", (code, signal) => done({ code, signal, spawnError: null }));
  });
}
