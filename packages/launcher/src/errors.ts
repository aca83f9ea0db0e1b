// Errors say what went wrong for the user, and each carries its exit code. The bases, the exit
// table and the boundary that prints them (src/bin/launch.ts) are the project's one CLI error
// module (@bgb/shared/cli), shared with data-sync so scripts read every CLI the same way.
import { EXIT, type ExitCode, FailedError, UsageError } from "@bgb/shared/cli";

// UsageError (2): the command line asks for something impossible.
// EnvironmentError (3): this machine cannot talk to Modal at all.
// InterruptedError (130): Ctrl-C; the message says what was left behind (nothing, or a recorded run).
export {
  EnvironmentError,
  EXIT,
  type ExitCode,
  InterruptedError,
  UsageError,
} from "@bgb/shared/cli";

/** 2: config files are invalid; `lines` are `file: dot.path: message` lines. */
export class ConfigError extends UsageError {
  override name = "ConfigError";
  constructor(
    message: string,
    override readonly lines: readonly string[],
  ) {
    super(message);
  }
}

/** 2 (or 3 when a failed check is environmental): the launch would not work. Already reported. */
export class PreflightError extends UsageError {
  override name = "PreflightError";
  constructor(
    message: string,
    readonly environmental: boolean,
  ) {
    super(message);
  }
  override get exitCode(): ExitCode {
    return this.environmental ? EXIT.environment : EXIT.usage;
  }
  /** With --json the plan, with its failed checks, is already the document on stdout. */
  override get reportedOnStdout(): boolean {
    return true;
  }
}

/** 1: Modal did not start the run, or a Modal command failed. */
export class LaunchFailedError extends FailedError {
  override name = "LaunchFailedError";
}
