export {
  type FaultProxy,
  type FaultProxyOptions,
  type FaultProxyStats,
  type FiredFault,
  startFaultProxy,
  type WanProfile,
} from "./proxy.ts";
export {
  describeRequest,
  FAULT_KINDS,
  type FaultAction,
  type FaultKind,
  type FaultRule,
  type RequestInfo,
  type RuleMatch,
  RuleSet,
  S3_OPS,
  type S3Op,
} from "./rules.ts";
export { type S3ErrorAnswer, s3Error, slowDownError } from "./s3-error.ts";
