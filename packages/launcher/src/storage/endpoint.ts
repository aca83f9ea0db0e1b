// Where the manifest is read from: the dataset's endpoint_url, else AWS_ENDPOINT_URL_S3, else
// AWS_ENDPOINT_URL, else AWS itself. Anything but Amazon gets path-style addressing.

export interface Endpoint {
  /** undefined = AWS S3 (virtual-hosted style) */
  url: string | undefined;
  region: string;
  forcePathStyle: boolean;
}

export function resolveEndpoint(
  configured: string | null | undefined,
  configuredRegion: string | null | undefined,
  env: NodeJS.ProcessEnv,
): Endpoint {
  const raw = configured || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const region = configuredRegion || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
  if (!raw) return { url: undefined, region, forcePathStyle: false };
  const host = URL.canParse(raw) ? new URL(raw).hostname : "";
  return { url: raw, region, forcePathStyle: !/(^|\.)amazonaws\.com$/.test(host) };
}

export function describeEndpoint(e: Endpoint): string {
  return e.url ?? `AWS S3 (${e.region})`;
}
