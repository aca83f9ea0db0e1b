// Errors say what went wrong for the user; src/bin/launch.ts maps them to exit codes in one place.

// The codes are the project's one exit table (@bgb/shared, README "Exit codes"), shared with
// data-sync so scripts read every CLI the same way.
export { EXIT, type ExitCode } from "@bgb/shared";

/** 2: the command line asks for something impossible. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** 2: config files are invalid; `lines` are `file: dot.path: message` lines. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    message: string,
    readonly lines: readonly string[],
  ) {
    super(message);
  }
}

/** 2 (or 3 when a failed check is environmental): the launch would not work. Already reported. */
export class PreflightError extends Error {
  override name = "PreflightError";
  constructor(
    message: string,
    readonly environmental: boolean,
  ) {
    super(message);
  }
}

/** 3: this machine cannot talk to Modal at all. */
export class EnvironmentError extends Error {
  override name = "EnvironmentError";
}

/** 1: Modal did not start the run, or a Modal command failed. */
export class LaunchFailedError extends Error {
  override name = "LaunchFailedError";
}

/** 130: Ctrl-C. The message says what was left behind (nothing, or a recorded run). */
export class InterruptedError extends Error {
  override name = "InterruptedError";
}
