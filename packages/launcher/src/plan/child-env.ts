// The environment the modal CLI runs with: the user's (PATH, HOME for ~/.modal.toml, MODAL_*),
// plus the launch spec, minus what must never leak into a run.
import { type LaunchSpec, SPEC_ENV } from "./launch-spec.ts";

/** Set by the launcher. */
export const SET_ENV = [SPEC_ENV, "PYTHONUNBUFFERED", "COLUMNS"] as const;

/**
 * Dropped from the inherited environment. BGB_LIMIT_FILES: the smoke limit comes from the preset
 * through the spec only; a value left in a shell must not reach a full run.
 */
export const REMOVED_ENV = ["BGB_LIMIT_FILES"] as const;

export function childEnv(base: NodeJS.ProcessEnv, spec: LaunchSpec): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of REMOVED_ENV) delete env[k];
  env[SPEC_ENV] = JSON.stringify(spec);
  env.PYTHONUNBUFFERED = "1";
  // Without a terminal, Modal's output (rich) wraps at 80 columns and would split the run URL.
  env.COLUMNS = "400";
  return env;
}

/** Names only (values may be secrets): what the launcher sets, and the Modal/AWS names inherited. */
export function envNames(base: NodeJS.ProcessEnv): {
  set: string[];
  inherited: string[];
  removed: string[];
} {
  const inherited = Object.keys(base)
    .filter((k) => /^(MODAL_|AWS_)/.test(k) && base[k] !== undefined)
    .sort();
  const removed = REMOVED_ENV.filter((k) => base[k] !== undefined);
  return { set: [...SET_ENV], inherited, removed };
}
