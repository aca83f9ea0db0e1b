// turborepo-remote-cache is configured only through environment variables, read when it is
// imported. This is the complete set it reads; every one is either set here or removed, so a
// stray S3_ACCESS_KEY, AUTH_MODE or TURBO_CACHE_READ_URL in the operator's shell cannot change
// where artifacts go or who may read them.
import type { CacheServerSettings } from "./settings.ts";

export const PACKAGE_ENV_KEYS = [
  "NODE_ENV",
  "AUTH_MODE",
  "HOST",
  "PORT",
  "JWT_AUDIENCE",
  "JWT_ISSUER",
  "JWKS_URL",
  "JWT_READ_SCOPES",
  "JWT_WRITE_SCOPES",
  "TURBO_TOKEN",
  "LOG_LEVEL",
  "ENABLE_STATUS_LOG",
  "LOG_MODE",
  "LOG_FILE",
  "STORAGE_PROVIDER",
  "BODY_LIMIT",
  "STORAGE_PATH",
  "STORAGE_PATH_USE_TMP_FOLDER",
  "HTTP2",
  "S3_ACCESS_KEY",
  "S3_SECRET_KEY",
  "S3_REGION",
  "S3_ENDPOINT",
  "S3_MAX_SOCKETS",
  "GCS_PROJECT_ID",
  "GCS_CLIENT_EMAIL",
  "GCS_PRIVATE_KEY",
  "ABS_CONNECTION_STRING",
  "SSL_KEY_PATH",
  "SSL_CERT_PATH",
  "TURBO_REMOTE_CACHE_SIGNATURE_KEY",
  "READ_ONLY",
  "TURBO_CACHE_READ_URL",
] as const;

type PackageEnvKey = (typeof PACKAGE_ENV_KEYS)[number];

// The package only tests this variable for presence (store and serve x-artifact-tag); it never
// verifies a signature, so it gets a marker and the real key stays with the clients.
const STORE_TAGS = "tags-are-verified-by-turbo-clients";

/** Values for the package; a key absent here is removed from the environment. */
export function packageEnv(
  s: CacheServerSettings,
  tokens: readonly string[],
): Partial<Record<PackageEnvKey, string>> {
  const env: Partial<Record<PackageEnvKey, string>> = {
    NODE_ENV: "production",
    AUTH_MODE: "static",
    TURBO_TOKEN: tokens.join(","),
    HOST: s.host,
    PORT: String(s.port),
    LOG_LEVEL: "warn",
    STORAGE_PROVIDER: "s3",
    // The bucket only: the package's S3 client takes no key prefix (see team-scope.ts).
    STORAGE_PATH: s.bucket,
    S3_REGION: s.endpoint.region,
    READ_ONLY: "false",
  };
  // No S3_ACCESS_KEY / S3_SECRET_KEY: the AWS SDK then uses the standard credential chain.
  // The package always addresses buckets path-style, which versitygw and MinIO need.
  if (s.endpoint.url !== undefined) env.S3_ENDPOINT = s.endpoint.url;
  if (s.signed) env.TURBO_REMOTE_CACHE_SIGNATURE_KEY = STORE_TAGS;
  return env;
}

export function applyPackageEnv(
  target: NodeJS.ProcessEnv,
  values: Partial<Record<PackageEnvKey, string>>,
): void {
  for (const key of PACKAGE_ENV_KEYS) {
    const v = values[key];
    if (v === undefined) delete target[key];
    else target[key] = v;
  }
}
