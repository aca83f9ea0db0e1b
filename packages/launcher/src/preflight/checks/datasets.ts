// Are the preset's datasets in the bucket, complete, and as many files as expected.
import type { CheckInput, CheckResult } from "../types.ts";

export function checkDatasets({ req, datasets, facts }: CheckInput): CheckResult[] {
  return req.datasets.map((name): CheckResult => {
    const check = `dataset:${name}`;
    const def = datasets.datasets[name];
    const m = facts.manifests[name];
    if (!def || !m) {
      return {
        check,
        ok: false,
        message: `dataset ${name} is not in configs/datasets.yaml`,
        fix: `add it there, or remove it from presets.${req.preset}.datasets`,
      };
    }
    const sync = `pnpm sync ${name} (it writes the manifest after every file is in the bucket)`;
    switch (m.state) {
      case "missing":
        return {
          check,
          ok: false,
          message: `no manifest at ${m.location} (${m.endpoint}): the upload is missing, unfinished, or under another prefix`,
          fix: `${sync}; or correct bucket/prefix in configs/datasets.yaml`,
        };
      case "no-bucket":
        return {
          check,
          ok: false,
          message: `bucket ${def.bucket} does not exist at ${m.endpoint}`,
          fix: "correct the bucket (and endpoint_url) in configs/datasets.yaml, or create it and sync",
        };
      case "invalid":
        return {
          check,
          ok: false,
          message: `manifest ${m.location} is unusable: ${m.reason}`,
          fix: sync,
        };
      case "error":
        return {
          check,
          ok: false,
          message: `could not read ${m.location} (${m.endpoint}): ${m.message}`,
          fix: "check AWS credentials (AWS_PROFILE / AWS_ACCESS_KEY_ID), the endpoint and the network",
        };
    }
    const man = m.manifest;
    if (man.dataset !== name) {
      return {
        check,
        ok: false,
        message: `${m.location} describes dataset ${man.dataset}, not ${name}`,
        fix: `give ${name} its own prefix in configs/datasets.yaml and run ${sync}`,
      };
    }
    const version = `version ${man.version.slice(0, 12)}`;
    const size = `${man.files_total} files, ${(man.bytes_total / 1e9).toFixed(2)} GB`;
    const expected = def.expected_counts;
    if (!expected) {
      return {
        check,
        ok: true,
        message: `${version} (${size}); no expected_counts to compare`,
        fix: null,
      };
    }
    const splits = [...new Set([...Object.keys(expected), ...Object.keys(man.counts)])].sort();
    const wrong = splits.filter((s) => (expected[s] ?? 0) !== (man.counts[s] ?? 0));
    if (wrong.length > 0) {
      const detail = wrong
        .map((s) => `${s}: expected ${expected[s] ?? 0}, manifest has ${man.counts[s] ?? 0}`)
        .join("; ");
      return {
        check,
        ok: false,
        message: `.edf counts differ from configs/datasets.yaml (${detail})`,
        fix: `finish the upload with ${sync}, or correct datasets.${name}.expected_counts`,
      };
    }
    return {
      check,
      ok: true,
      message: `${version} (${size}); counts match ${splits.map((s) => `${s}=${man.counts[s] ?? 0}`).join(" ")}`,
      fix: null,
    };
  });
}
