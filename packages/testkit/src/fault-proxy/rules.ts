// Pure part of the fault proxy: S3 operation classification and ordered rule matching.

export const S3_OPS = [
  "UploadPart",
  "PutObject",
  "CreateMultipartUpload",
  "CompleteMultipartUpload",
  "AbortMultipartUpload",
  "ListParts",
  "HeadObject",
  "GetObject",
  "DeleteObject",
  "CreateBucket",
  "Other",
] as const;
export type S3Op = (typeof S3_OPS)[number];

export const FAULT_KINDS = [
  "slowDown",
  "status",
  "resetMidBody",
  "stall",
  "delay",
  "trickle",
  "flipByte",
  "dropResponseHeader",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultAction =
  /** 503 SlowDown S3 error, not forwarded. */
  | { kind: "slowDown" }
  /** Any S3 error answer, not forwarded. */
  | { kind: "status"; status: number; code: string; message?: string }
  /** Forward, then reset the client connection once `afterBytes` body bytes went upstream. */
  | { kind: "resetMidBody"; afterBytes: number }
  /** Read the body and never answer (until stop()). */
  | { kind: "stall" }
  /** Wait, then forward unchanged. */
  | { kind: "delay"; ms: number }
  /** Read the body, then answer one byte every intervalMs, forever: the socket is never idle. */
  | { kind: "trickle"; intervalMs: number }
  /** Forward with the request body's byte at offset `at` inverted: corruption on the way. */
  | { kind: "flipByte"; at: number }
  /** Forward, then answer without this response header (a server that does not send it). */
  | { kind: "dropResponseHeader"; name: string };

export interface RuleMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Default "Any". */
  op?: S3Op | "Any";
  /** Prefix of the object key (path-style URLs: the path after the bucket, decoded). */
  keyPrefix?: string;
  /** A query parameter the request carries, e.g. "uploads" (ListMultipartUploads) or "lifecycle". */
  query?: string;
  /** Fire first on the Nth request (1-based) that reaches this rule and matches it. Default 1. */
  nth?: number;
  /** How many times the rule fires, on consecutive matches from the nth on. Default 1 when nth is set, else unlimited. */
  times?: number;
}

export interface FaultRule {
  match?: RuleMatch;
  action: FaultAction;
}

export interface RequestInfo {
  method: string;
  op: S3Op;
  bucket: string;
  key: string;
  /** Names of the query parameters (sub-resources such as `uploads`, `lifecycle`, `list-type`). */
  params: string[];
}

// Query parameters that turn an object URL into a sub-resource call (tagging, ACL, ...).
// x-id, versionId, partNumber and response-* are plain parameters of the base operation.
const OBJECT_SUBRESOURCES = [
  "acl",
  "tagging",
  "retention",
  "legal-hold",
  "restore",
  "torrent",
  "attributes",
  "select",
];

/** Classifies a path-style S3 request (the only style the proxy can read the key from). */
export function describeRequest(method: string, url: string): RequestInfo {
  const parsed = new URL(url, "http://proxy.invalid");
  const q = parsed.searchParams;
  const m = method.toUpperCase();
  const path = parsed.pathname.replace(/^\//, "");
  const slash = path.indexOf("/");
  const bucket = safeDecode(slash < 0 ? path : path.slice(0, slash));
  const key = slash < 0 ? "" : safeDecode(path.slice(slash + 1));
  return { method: m, op: classify(m, q, key !== ""), bucket, key, params: [...q.keys()] };
}

function classify(m: string, q: URLSearchParams, hasKey: boolean): S3Op {
  if (!hasKey) return m === "PUT" && [...q.keys()].length === 0 ? "CreateBucket" : "Other";
  if (OBJECT_SUBRESOURCES.some((s) => q.has(s))) return "Other";
  const uploadId = q.has("uploadId");
  switch (m) {
    case "PUT":
      if (uploadId && q.has("partNumber")) return "UploadPart";
      return uploadId ? "Other" : "PutObject";
    case "POST":
      if (q.has("uploads")) return "CreateMultipartUpload";
      return uploadId ? "CompleteMultipartUpload" : "Other";
    case "GET":
      return uploadId ? "ListParts" : "GetObject";
    case "HEAD":
      return "HeadObject";
    case "DELETE":
      return uploadId ? "AbortMultipartUpload" : "DeleteObject";
    default:
      return "Other";
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function predicate(match: RuleMatch | undefined, req: RequestInfo): boolean {
  if (!match) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== req.method) return false;
  if (match.op !== undefined && match.op !== "Any" && match.op !== req.op) return false;
  if (match.keyPrefix !== undefined && !req.key.startsWith(match.keyPrefix)) return false;
  if (match.query !== undefined && !req.params.includes(match.query)) return false;
  return true;
}

function validate(rule: FaultRule, i: number): void {
  const { nth, times } = rule.match ?? {};
  if (nth !== undefined && !(Number.isInteger(nth) && nth >= 1))
    throw new Error(`fault rule ${i}: nth must be an integer >= 1, got ${nth}`);
  if (times !== undefined && !(Number.isInteger(times) && times >= 0))
    throw new Error(`fault rule ${i}: times must be an integer >= 0, got ${times}`);
  const a = rule.action;
  if (a.kind === "resetMidBody" && !(Number.isInteger(a.afterBytes) && a.afterBytes >= 0))
    throw new Error(`fault rule ${i}: afterBytes must be an integer >= 0`);
  if (a.kind === "flipByte" && !(Number.isInteger(a.at) && a.at >= 0))
    throw new Error(`fault rule ${i}: at must be an integer >= 0`);
  if (a.kind === "delay" && !(a.ms >= 0)) throw new Error(`fault rule ${i}: ms must be >= 0`);
  if (a.kind === "trickle" && !(a.intervalMs > 0))
    throw new Error(`fault rule ${i}: intervalMs must be > 0`);
}

/**
 * Ordered rules with their counters. A request walks the rules in order; every rule whose
 * predicate matches counts it, and the first rule that fires claims it, so later rules never
 * see (nor count) requests an earlier rule already faulted. Non-matching rules count nothing.
 */
export class RuleSet {
  private readonly rules: readonly FaultRule[];
  private readonly seen: number[];
  private readonly fired: number[];

  constructor(rules: readonly FaultRule[]) {
    rules.forEach(validate);
    this.rules = [...rules];
    this.seen = rules.map(() => 0);
    this.fired = rules.map(() => 0);
  }

  /** Returns the rule that fires for this request (and its index), counting it. */
  pick(req: RequestInfo): { index: number; action: FaultAction } | undefined {
    for (const [index, rule] of this.rules.entries()) {
      if (!predicate(rule.match, req)) continue;
      const seen = (this.seen[index] ?? 0) + 1;
      this.seen[index] = seen;
      const nth = rule.match?.nth ?? 1;
      const times = rule.match?.times ?? (rule.match?.nth === undefined ? Infinity : 1);
      const fired = this.fired[index] ?? 0;
      if (seen >= nth && fired < times) {
        this.fired[index] = fired + 1;
        return { index, action: rule.action };
      }
    }
    return undefined;
  }
}
