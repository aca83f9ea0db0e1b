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
  // a session token (AWS_SESSION_TOKEN) the server rejects: malformed, expired, unknown
  "InvalidToken",
  "ExpiredToken",
  "TokenRefreshRequired",
  "InvalidClientTokenId",
]);
// Nobody answers at all: no request can succeed. (A reset mid-request is not this: the server
// was there, and a later request may go through.)
const NETWORK = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/;
/** OpenSSL's answer when an https:// URL reaches a server speaking plain http. */
const PLAIN_HTTP = /EPROTO.*wrong version number|wrong version number.*EPROTO/s;
/** Said instead of OpenSSL's "EPROTO ... ssl3_get_record:wrong version number". */
export const PLAIN_HTTP_HINT =
  "EPROTO: the endpoint speaks plain http, not https; use http:// in --endpoint or the endpoint URL";

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  /** S3 names the bucket in some error replies (InvalidBucketName, NoSuchBucket) */
  BucketName?: string;
  $metadata?: { httpStatusCode?: number };
}

export function classifyS3Error(err: unknown): S3Failure {
  const e = (err ?? {}) as SdkError;
  const code = e.Code ?? e.name ?? e.code ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const msg = e.message ?? String(err);
  const raw = `${code} ${e.code ?? ""} ${msg}`;
  const detail = detailOf(code, status, msg, raw, e.BucketName);
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
    if (NETWORK.test(raw) || PLAIN_HTTP.test(raw)) return "unreachable";
    if (/TimeoutError|ETIMEDOUT|timed out/.test(raw)) return "timeout";
    return "other";
  })();
  // a socket failure is best named by its errno (ECONNREFUSED), not by "Error"
  const errno =
    kind === "unreachable"
      ? PLAIN_HTTP.test(raw)
        ? PLAIN_HTTP_HINT
        : NETWORK.exec(raw)?.[0]
      : undefined;
  return { kind, code: errno ?? code, status, detail };
}

/**
 * "<code> (HTTP <status>): <message>", except where the server's words mislead: a bucket name the
 * server refuses (its 400 may carry no code at all: "UnknownError") and OpenSSL's raw text.
 */
function detailOf(
  code: string,
  status: number | undefined,
  msg: string,
  raw: string,
  bucket: string | undefined,
): string {
  const named = bucket ? ` "${bucket}"` : "";
  if (PLAIN_HTTP.test(raw)) return PLAIN_HTTP_HINT;
  if (code === "InvalidBucketName")
    return `the server refuses the bucket name${named} (InvalidBucketName, HTTP ${status ?? 400}): use a name it accepts (--bucket, or the bucket in the config)`;
  if (status === 400 && (code === "UnknownError" || code === "BadRequest" || code === "400"))
    return `the server refused the request (HTTP 400, no error code); the usual cause is a bucket name it does not accept: check --bucket, or the bucket in the config`;
  return `${code}${status ? ` (HTTP ${status})` : ""}: ${msg}`;
}

/**
 * A reply without a body (HEAD) carries no error code: a 404 there may be a missing object or
 * bucket, or versitygw's unknown access key. True only for such a bare "NotFound".
 */
export function isBareNotFound(f: S3Failure): boolean {
  return f.code === "NotFound" && f.status === 404;
}
