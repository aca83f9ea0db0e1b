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

/** What a storage request failed with (engine/store.ts; storage/s3-store.ts words it). */
export type StoreErrorKind =
  | "not-found"
  | "no-such-upload"
  | "no-such-bucket"
  | "access-denied"
  | "no-credentials"
  | "unreachable"
  /** a connection went silent and retries ran out: this file fails, the run goes on */
  | "timeout"
  | "bad-digest"
  | "not-implemented"
  /** the source object is no longer the one listed (If-Match / copy-source-if-match refused) */
  | "precondition-failed"
  | "aborted"
  | "other";

export class StoreError extends Error {
  override name = "StoreError";
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const FATAL_KINDS = new Set<StoreErrorKind>([
  "no-such-bucket",
  "access-denied",
  "no-credentials",
  "unreachable",
]);

/**
 * The one notion of fatal: nothing else in the run can succeed either (exit 3). A FatalError, or a
 * store failure about the bucket, the credentials or the endpoint rather than one object.
 */
export function isFatal(err: unknown): boolean {
  return err instanceof FatalError || (err instanceof StoreError && FATAL_KINDS.has(err.kind));
}

/** 130: the user interrupted; work in flight was flushed to the journal. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
  constructor() {
    super("interrupted");
  }
}
