// What an S3 failure means, decided in one place so both CLIs give the same answer for the same
// server reply: a wrong access key is "denied" everywhere, never "bucket does not exist".

export type S3FailureKind =
  | "not-found"
  | "no-such-upload"
  | "no-such-bucket"
  | "denied"
  | "no-credentials"
  | "unreachable"
  /** a connection went silent and retries ran out */
  | "timeout"
  | "bad-digest"
  | "not-implemented"
  /** the object is no longer the one expected (If-Match / copy-source-if-match refused) */
  | "precondition-failed"
  | "aborted"
  | "other";

export interface S3Failure {
  kind: S3FailureKind;
  /** the server's error code or the SDK's error name, e.g. NoSuchKey, ECONNREFUSED */
  code: string;
  status: number | undefined;
  /** "<code> (HTTP <status>): <message>", safe to print (no credentials in SDK messages) */
  detail: string;
}

/**
 * Refusals of the caller's identity. XAdminUserNotFound is versitygw's answer (HTTP 404!) to an
 * unknown access key; a code always wins over the status for that reason.
 */
const DENIED = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "Forbidden",
  "XAdminUserNotFound",
  "AllAccessDisabled",
]);
// Nobody answers at all: no request can succeed. (A reset mid-request is not this: the server
// was there, and a later request may go through.)
const NETWORK = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/;

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function classifyS3Error(err: unknown): S3Failure {
  const e = (err ?? {}) as SdkError;
  const code = e.Code ?? e.name ?? e.code ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const msg = e.message ?? String(err);
  const detail = `${code}${status ? ` (HTTP ${status})` : ""}: ${msg}`;
  const raw = `${code} ${e.code ?? ""} ${msg}`;
  const kind = ((): S3FailureKind => {
    if (code === "AbortError" || code === "RequestAbortedError") return "aborted";
    if (DENIED.has(code)) return "denied";
    if (code === "NoSuchUpload") return "no-such-upload";
    if (code === "NoSuchBucket") return "no-such-bucket";
    if (code === "NoSuchKey" || code === "NotFound") return "not-found";
    if (["BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch"].includes(code))
      return "bad-digest";
    if (code === "NotImplemented" || status === 501) return "not-implemented";
    if (code === "PreconditionFailed" || status === 412) return "precondition-failed";
    // found no keys to sign with: the SDK says so before any request is sent
    if (status === undefined && (code === "CredentialsProviderError" || /credential/i.test(raw)))
      return "no-credentials";
    if (status === 403) return "denied";
    if (status === 404) return "not-found";
    if (NETWORK.test(raw)) return "unreachable";
    if (/TimeoutError|ETIMEDOUT|timed out/.test(raw)) return "timeout";
    return "other";
  })();
  // a socket failure is best named by its errno (ECONNREFUSED), not by "Error"
  const errno = kind === "unreachable" ? NETWORK.exec(raw)?.[0] : undefined;
  return { kind, code: errno ?? code, status, detail };
}

/**
 * A reply without a body (HEAD) carries no error code: a 404 there may be a missing object or
 * bucket, or versitygw's unknown access key. True only for such a bare "NotFound".
 */
export function isBareNotFound(f: S3Failure): boolean {
  return f.code === "NotFound" && f.status === 404;
}
