export { applyPackageEnv, PACKAGE_ENV_KEYS, packageEnv } from "./package-env.ts";
export { CACHE_INFO_PATH, type RunningCacheServer, startCacheServer } from "./server.ts";
export {
  type CacheServerSettings,
  readTokens,
  resolveSettings,
  type ServerFlags,
  type SettingsResult,
} from "./settings.ts";
export { checkStorage, type StorageCheck } from "./storage-check.ts";
export { type ScopeResult, scopeTeam } from "./team-scope.ts";
