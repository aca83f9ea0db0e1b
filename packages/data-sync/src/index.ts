// The library, usable without the CLI.
export { EXIT, FatalError, InterruptedError, UsageError } from "./engine/errors.ts";
export type { SyncEvent } from "./engine/events.ts";
export { makePlan, type Plan, type PlanItem } from "./engine/plan.ts";
export { runSync, type SyncOptions, type SyncSummary } from "./engine/sync.ts";
export { verifyBucket } from "./engine/verify.ts";
export { localSource } from "./source/local-source.ts";
export { resolveEndpoint } from "./storage/endpoint.ts";
export { createS3Store } from "./storage/s3-store.ts";
export type { ObjectStore } from "./storage/store.ts";
