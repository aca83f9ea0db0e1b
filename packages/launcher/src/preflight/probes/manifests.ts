// Reads each dataset's manifest (<prefix>.bgb-manifest.json) from its bucket.
import {
  type DatasetsConfig,
  describeEndpoint,
  type EndpointChoice,
  resolveEndpoint,
} from "@bgb/shared";
import { MANIFEST_NAME, parseManifest } from "@bgb/shared/manifest";
import type { ObjectReader } from "../../storage/s3-object-reader.ts";
import type { ManifestFact } from "../types.ts";

export type ReaderFactory = (endpoint: EndpointChoice) => ObjectReader;

export async function probeManifests(
  names: readonly string[],
  datasets: DatasetsConfig,
  env: NodeJS.ProcessEnv,
  readerFor: ReaderFactory,
  signal?: AbortSignal,
): Promise<Record<string, ManifestFact>> {
  const out: Record<string, ManifestFact> = {};
  await Promise.all(
    names.map(async (name) => {
      const def = datasets.datasets[name];
      if (!def) return;
      const key = `${def.prefix}${MANIFEST_NAME}`;
      // The same decision data-sync makes, so the check looks where the upload went.
      const resolved = resolveEndpoint(undefined, def.endpoint_url, def.region, env);
      if (!resolved.ok) {
        out[name] = {
          location: `s3://${def.bucket}/${key}`,
          endpoint: "?",
          state: "error",
          message: resolved.problem,
        };
        return;
      }
      const endpoint = resolved.endpoint;
      const where = { location: `s3://${def.bucket}/${key}`, endpoint: describeEndpoint(endpoint) };
      const r = await readerFor(endpoint).read(def.bucket, key, signal);
      switch (r.kind) {
        case "found": {
          const parsed = parseManifest(r.text);
          out[name] = parsed.ok
            ? { ...where, state: "found", manifest: parsed.manifest }
            : { ...where, state: "invalid", reason: parsed.reason };
          return;
        }
        case "missing":
        case "no-bucket":
          out[name] = { ...where, state: r.kind };
          return;
        case "denied":
          out[name] = { ...where, state: "error", message: `access denied (${r.message})` };
          return;
        default:
          out[name] = { ...where, state: "error", message: r.message };
      }
    }),
  );
  return out;
}
