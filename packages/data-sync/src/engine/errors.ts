// Errors carry what they mean for the run; the CLI maps them to exit codes in one place.

/** 2: the user asked for something impossible (flags, config, dataset name). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** 3: nothing can be transferred (credentials, bucket, endpoint, permissions, source root). */
export class FatalError extends Error {
  override name = "FatalError";
}

/** 130: the user interrupted; work in flight was flushed to the journal. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
  constructor() {
    super("interrupted");
  }
}

export const EXIT = {
  ok: 0,
  someFailed: 1,
  usage: 2,
  fatal: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
