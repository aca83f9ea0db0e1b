// Errors carry what they mean for the run. The bases and the exit table are the project's one
// CLI error module (@bgb/shared/cli): each error says its exit code, and the CLI boundary
// (cli/main.ts, through the shared runCli) prints it. The engine owns its domain errors here.
import { EnvironmentError, EXIT, FailedError } from "@bgb/shared/cli";
import type { S3FailureKind } from "@bgb/shared/s3";

// UsageError (2): the user asked for something impossible (flags, config, dataset name).
// InterruptedError (130): the user interrupted; work in flight was flushed to the journal.
export { InterruptedError, UsageError } from "@bgb/shared/cli";

/** 3 (environment): nothing can be transferred (credentials, bucket, endpoint, permissions, source root). */
export class FatalError extends EnvironmentError {
  override name = "FatalError";
}

/**
 * What a storage request failed with: the shared classification's kinds (@bgb/shared/s3, where
 * the SDK's errors are read), so both CLIs name a failure alike. storage/s3-store.ts words it.
 */
export type StoreErrorKind = S3FailureKind;

/** 1 (this file failed, the run goes on), or 3 when the failure is about the bucket, the
 * credentials or the endpoint (isFatal). */
export class StoreError extends FailedError {
  override name = "StoreError";
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
  override get exitCode() {
    return FATAL_KINDS.has(this.kind) ? EXIT.environment : EXIT.failed;
  }
}

const FATAL_KINDS = new Set<StoreErrorKind>([
  "no-such-bucket",
  "denied",
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
