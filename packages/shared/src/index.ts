// The exit table, the CLI errors and the boundary: one list, in the `cli` entry.
export * from "./cli/index.ts";
export {
  describeEndpoint,
  type EndpointChoice,
  type EndpointResult,
  resolveEndpoint,
} from "./endpoint.ts";
export { findRepoRoot } from "./find-repo-root.ts";
export { loadProjectConfigs, PROJECT_FILES, type ProjectConfigs } from "./load/cross-file.ts";
export { type ConfigIssue, formatIssue } from "./load/issues.ts";
export {
  CONFIG_KINDS,
  type ConfigByKind,
  type ConfigKind,
  kindFromFileName,
} from "./load/kinds.ts";
export { type LoadResult, loadConfigFile } from "./load/load-config-file.ts";
export { pyFloatRepr, sensitivityMetricName } from "./load/py-float.ts";
export { type ValidateResult, validateFiles } from "./load/validate-files.ts";
export {
  type CiConfig,
  ciConfigSchema,
  type RemoteCacheConfig,
  remoteCacheSchema,
} from "./schemas/ci.ts";
export { isoDate } from "./schemas/common.ts";
export {
  type DatasetDef,
  type DatasetLayout,
  type DatasetsConfig,
  datasetDefSchema,
  datasetsConfigSchema,
  LAYOUT_SPLITS,
  S3_STORAGE_CLASSES,
  type StorageClass,
  type StoragePrices,
} from "./schemas/datasets.ts";
export { type GpuDef, type GpusConfig, gpuDefSchema, gpusConfigSchema } from "./schemas/gpus.ts";
export {
  type LaunchConfig,
  type LaunchPreset,
  launchConfigSchema,
  launchPresetSchema,
  MAX_TIMEOUT_S,
  PRESET_NAMES,
  type PresetName,
  type TrainerPin,
  trainerPinSchema,
} from "./schemas/launch.ts";
export {
  MIRRORED_TRAINER_COMMIT,
  type TrainingConfig,
  trainingConfigSchema,
} from "./schemas/training.ts";
export { formatBytes, parseByteSize } from "./units.ts";
