// Where to send requests: flag > dataset config > AWS_ENDPOINT_URL_S3 > AWS_ENDPOINT_URL > AWS.
import { UsageError } from "../engine/errors.ts";

export interface EndpointChoice {
  /** undefined = AWS S3 itself (virtual-hosted style) */
  url: string | undefined;
  region: string;
  forcePathStyle: boolean;
}

export function resolveEndpoint(
  flag: string | undefined,
  configured: string | null | undefined,
  configuredRegion: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): EndpointChoice {
  const raw = flag ?? configured ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? undefined;
  const region = configuredRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  if (raw === undefined || raw === "") return { url: undefined, region, forcePathStyle: false };
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`--endpoint: "${raw}" is not a URL (example: http://127.0.0.1:7070)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`--endpoint: "${raw}" must start with http:// or https://`);
  }
  if (parsed.username || parsed.password) {
    throw new UsageError(
      "--endpoint: credentials in the URL are not accepted; use the AWS credential chain",
    );
  }
  // Amazon's own endpoints understand virtual-hosted style; everything else gets path-style.
  const isAws = /(^|\.)amazonaws\.com$/.test(parsed.hostname);
  return { url: parsed.origin, region, forcePathStyle: !isAws };
}
