export * from "./eeg/index.ts";
export * from "./fault-proxy/index.ts";
export { clientFor } from "./s3-server/client.ts";
export { type S3Server, type StartOptions, startS3Server } from "./s3-server/server.ts";
export { ensureVersitygw, toolsDir, VERSITYGW_VERSION } from "./s3-server/versitygw-install.ts";
export type { S3Connection } from "./s3-server/vitest-global-setup.ts";
export { reachedFrom, staticImports } from "./source-graph/static-imports.ts";
