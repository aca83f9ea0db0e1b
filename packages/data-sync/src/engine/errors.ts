// Errors carry what they mean for the run; the CLI maps them to the project's one exit table
// (@bgb/shared exit-codes) in one place (cli/main.ts).

/** 2: the user asked for something impossible (flags, config, dataset name). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** 3 (environment): nothing can be transferred (credentials, bucket, endpoint, permissions, source root). */
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
