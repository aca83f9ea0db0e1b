// Reads each dataset's manifest (<prefix>.bgb-manifest.json) from its bucket.
import type { DatasetsConfig } from "@bgb/shared";
import { MANIFEST_NAME, parseManifest } from "@bgb/shared/manifest";
import { describeEndpoint, type Endpoint, resolveEndpoint } from "../../storage/endpoint.ts";
import type { ObjectReader } from "../../storage/s3-object-reader.ts";
import type { ManifestFact } from "../types.ts";

export type ReaderFactory = (endpoint: Endpoint) => ObjectReader;

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
      const endpoint = resolveEndpoint(def.endpoint_url, def.region, env);
      const key = `${def.prefix}${MANIFEST_NAME}`;
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
