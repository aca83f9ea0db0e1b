// The errors every CLI of the project ends with, each carrying its row of the one exit table
// (exit-codes.ts). Packages extend these bases (the launcher's ConfigError, data-sync's
// StoreError...); the boundary (boundary.ts) reads `exitCode` and never needs to know them.
import { EXIT, type ExitCode } from "../exit-codes.ts";

/** An error the CLI expected: its message is one line for the user, its code a documented exit. */
export abstract class CliError extends Error {
  abstract get exitCode(): ExitCode;
  /** Lines printed before the message (e.g. `file: dot.path: problem`), and in the JSON event. */
  readonly lines: readonly string[] = [];
  /** Under --json the command already printed its document (with the failure) on stdout. */
  get reportedOnStdout(): boolean {
    return false;
  }
}

/** 1: some of the work failed (a file, a launch, a modal command); the rest is consistent. */
export class FailedError extends CliError {
  override name = "FailedError";
  get exitCode(): ExitCode {
    return EXIT.failed;
  }
}

/** 2: the command line or a config is wrong; nothing was done. */
export class UsageError extends CliError {
  override name = "UsageError";
  get exitCode(): ExitCode {
    return EXIT.usage;
  }
}

/** 3: this machine or account cannot do it (credentials, bucket, endpoint, state dir, modal CLI). */
export class EnvironmentError extends CliError {
  override name = "EnvironmentError";
  get exitCode(): ExitCode {
    return EXIT.environment;
  }
}

/** 130: stopped by Ctrl-C, SIGTERM or SIGHUP; the message says what was left behind. */
export class InterruptedError extends CliError {
  override name = "InterruptedError";
  constructor(message = "interrupted") {
    super(message);
  }
  get exitCode(): ExitCode {
    return EXIT.interrupted;
  }
}

/** commander's own errors (a bad flag, --help, --version), recognised without importing it. */
export interface CommanderLikeError {
  code: string;
  exitCode: number;
  message: string;
}
export function isCommanderError(err: unknown): err is CommanderLikeError {
  const e = err as Partial<CommanderLikeError> | null;
  return err instanceof Error && typeof e?.code === "string" && e.code.startsWith("commander.");
}

/** A reader that went away (`... | head -1`) or a terminal that closed: nobody to tell. */
export function isClosedOutput(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "EIO" || code === "ERR_STREAM_DESTROYED";
}

/**
 * The one mapping from an error to the exit table: a CliError says its code; commander's
 * --help/--version are 0 and its other errors usage (2, not its own 1); anything else is an
 * unexpected failure (1).
 */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CliError) return err.exitCode;
  if (isCommanderError(err)) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  return EXIT.failed;
}
