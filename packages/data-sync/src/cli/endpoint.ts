// The endpoint decision lives in @bgb/shared (the launcher must decide exactly the same way);
// here, in the CLI, a bad value becomes a usage error naming the flag or the config field.
import { type EndpointChoice, resolveEndpoint as resolve } from "@bgb/shared";
import { UsageError } from "../engine/errors.ts";

export type { EndpointChoice };

export function resolveEndpoint(
  flag: string | undefined,
  configured: string | null | undefined,
  configuredRegion: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
): EndpointChoice {
  const r = resolve(flag, configured, configuredRegion, env);
  if (!r.ok) throw new UsageError(`${flag ? "--endpoint" : "endpoint_url"}: ${r.problem}`);
  return r.endpoint;
}
