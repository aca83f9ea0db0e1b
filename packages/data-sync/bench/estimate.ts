// A rough duration for a bench run, printed before it starts so a long default run is no
// surprise. Unit costs are this project's 2-core machine on a quiet day (issue 12's table:
// about 6 ms of wall per small file and 12 s per GiB per tool run, tools and server sharing
// the two cores); a busy machine or a faster engine moves them, so this is a guide only.
import type { WorkloadName, WorkloadSizes } from "./workloads.ts";

const GiB = 1024 ** 3;
const KiB = 1024;
const PER_FILE_S = 0.006;
const PER_GIB_S = 12;
const PER_RUN_S = 2; // start-up, the bucket check, sync(1)

/** Files and bytes of each generated tree (expected values for the random ones). */
export function shape(name: WorkloadName, s: WorkloadSizes): { files: number; bytes: number } {
  switch (name) {
    case "small":
      return { files: 2 * s.smallFiles, bytes: (s.smallFiles * (s.smallMin + s.smallMax)) / 2 };
    case "large":
      return { files: 2 * s.largeFiles, bytes: s.largeFiles * s.largeSize };
    case "mix": {
      const mean = (s.mixMax - 32 * KiB) / Math.log(s.mixMax / (32 * KiB));
      return { files: 2 * s.mixFiles, bytes: s.mixFiles * mean };
    }
    case "tusz": {
      const min = 32 * KiB;
      const mean = ((min / (1 - min / s.tuszMax)) * Math.log(s.tuszMax / min)) | 0;
      return { files: 2 * s.tuszFiles, bytes: s.tuszFiles * mean };
    }
    case "noop":
      return { files: s.noopFiles, bytes: s.noopFiles * 550 };
    case "scale":
      return { files: s.scaleFiles, bytes: s.scaleFiles * 550 };
  }
}

const run = (t: { files: number; bytes: number }) =>
  PER_RUN_S + t.files * PER_FILE_S + (t.bytes / GiB) * PER_GIB_S;

export interface Plan {
  sizes: WorkloadSizes;
  scenarios: readonly string[];
  workloads: readonly WorkloadName[];
  tools: number;
  noopTools: number;
  repeat: number;
  scaleSeconds: number;
}

/** Seconds per scenario, in the order they run. */
export function estimate(p: Plan): [string, number][] {
  const out: [string, number][] = [];
  const has = (x: string) => p.scenarios.includes(x);
  if (has("upload") || has("rerun")) {
    let t = 0;
    for (const w of p.workloads) t += p.tools * (p.repeat * run(shape(w, p.sizes)) + PER_RUN_S);
    out.push(["upload/rerun", t]);
  }
  if (has("wan")) {
    // Latency on every request: about twice the loopback time at these tools' concurrency.
    out.push(["wan", p.tools * p.repeat * 2 * run(shape("tusz", p.sizes))]);
  }
  if (has("noop")) {
    const tree = shape("noop", p.sizes);
    // The first upload, the bucket check (a listing), then the re-syncs (0.3-1.2 ms per file).
    out.push([
      "noop",
      run(tree) + tree.files * 0.0003 + p.repeat * p.noopTools * (PER_RUN_S + tree.files * 0.0006),
    ]);
  }
  if (has("scale")) {
    const tree = shape("scale", p.sizes);
    const one = p.scaleSeconds > 0 ? p.scaleSeconds + tree.files * 0.0001 : run(tree);
    out.push(["scale", 2 * one]);
  }
  if (has("resume")) out.push(["resume", p.tools * 1.5 * run(shape("large", p.sizes))]);
  return out;
}
