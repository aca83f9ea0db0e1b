// Where S3 requests go, decided the same way by data-sync (uploads) and the launcher (manifest
// check and the Modal mount): flag > dataset endpoint_url > AWS_ENDPOINT_URL_S3 >
// AWS_ENDPOINT_URL > AWS itself. Anything but Amazon gets path-style addressing.

export interface EndpointChoice {
  /** undefined = AWS S3 itself (virtual-hosted style) */
  url: string | undefined;
  region: string;
  forcePathStyle: boolean;
}

export type EndpointResult =
  | { ok: true; endpoint: EndpointChoice }
  | { ok: false; problem: string };

export function resolveEndpoint(
  flag: string | undefined,
  configured: string | null | undefined,
  configuredRegion: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): EndpointResult {
  const raw = flag || configured || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const region = configuredRegion || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
  if (!raw) return { ok: true, endpoint: { url: undefined, region, forcePathStyle: false } };
  if (!URL.canParse(raw)) {
    return {
      ok: false,
      problem: `${shownEndpoint(raw)} is not a URL (example: http://127.0.0.1:7070)`,
    };
  }
  const parsed = new URL(raw);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { ok: false, problem: `${shownEndpoint(raw)} must start with http:// or https://` };
  }
  if (parsed.username || parsed.password) {
    return {
      ok: false,
      problem: "credentials in the URL are not accepted; use the AWS credential chain",
    };
  }
  const isAws = /(^|\.)amazonaws\.com$/.test(parsed.hostname);
  return { ok: true, endpoint: { url: parsed.origin, region, forcePathStyle: !isAws } };
}

/**
 * An endpoint as it may be printed: what stands before its last "@" (user:password, whether
 * the string parses or not) is masked, and it stays on one line.
 */
export function shownEndpoint(raw: string): string {
  const at = raw.lastIndexOf("@");
  if (at < 0) return JSON.stringify(raw);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw)?.[0] ?? "";
  return JSON.stringify(`${scheme}***${raw.slice(at)}`);
}

export function describeEndpoint(e: EndpointChoice): string {
  return e.url ?? `AWS S3 (${e.region})`;
}
