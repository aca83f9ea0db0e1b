// The benchmark's datasets: deterministic trees, regenerated only when their parameters change.
// Every file lives under edf/ because the `tuh` dataset config uploads `edf/**` only.
import { createCipheriv, createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { generateTusz } from "@bgb/testkit";

const KiB = 1024;
const MiB = 1024 * KiB;

export interface WorkloadSizes {
  smallFiles: number;
  smallMin: number;
  smallMax: number;
  largeFiles: number;
  largeSize: number;
  mixFiles: number;
  mixMax: number;
}

export const DEFAULT_SIZES: WorkloadSizes = {
  smallFiles: 2000,
  smallMin: 32 * KiB,
  smallMax: 128 * KiB,
  largeFiles: 4,
  largeSize: 256 * MiB,
  mixFiles: 40,
  mixMax: 64 * MiB,
};

export type WorkloadName = "small" | "large" | "mix";
export const WORKLOADS: readonly WorkloadName[] = ["small", "large", "mix"];

export interface Workload {
  name: WorkloadName;
  title: string;
  root: string;
  /** key (relative POSIX path) -> size */
  files: Map<string, number>;
  bytes: number;
}

/** Sizes log-uniform in [min, max] from a seeded LCG, contents from AES-CTR over zeros. */
async function writeSmallFiles(root: string, n: number, min: number, max: number): Promise<void> {
  let state = 20261201;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const key = createHash("sha256").update("bench-small").digest().subarray(0, 16);
  const stream = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  for (let i = 0; i < n; i++) {
    const size = Math.round(Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))));
    const dir = join(root, "edf", "small", `d${String(i % 20).padStart(2, "0")}`);
    if (i < 20) await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, `f${String(i).padStart(5, "0")}.bin`),
      stream.update(Buffer.alloc(size)),
    );
  }
}

async function generate(name: WorkloadName, root: string, s: WorkloadSizes): Promise<void> {
  switch (name) {
    case "small":
      return writeSmallFiles(root, s.smallFiles, s.smallMin, s.smallMax);
    case "large": {
      const patients = Math.max(1, Math.min(2, s.largeFiles));
      const sizes = [s.largeSize];
      await generateTusz({ root, seed: 7, patients, files: s.largeFiles, sizes });
      return;
    }
    case "mix": {
      const patients = Math.max(1, Math.min(12, s.mixFiles));
      const sizes = { minBytes: 32 * KiB, maxBytes: s.mixMax };
      await generateTusz({ root, seed: 3, patients, files: s.mixFiles, sizes });
      return;
    }
  }
}

function title(name: WorkloadName, s: WorkloadSizes): string {
  const mib = (n: number) => `${Math.round(n / MiB)} MiB`;
  switch (name) {
    case "small":
      return `small: ${s.smallFiles} files of ${s.smallMin / KiB}-${s.smallMax / KiB} KiB`;
    case "large":
      return `large: ${s.largeFiles} x ${mib(s.largeSize)} EDF (+ label CSVs)`;
    case "mix":
      return `mix: TUSZ-shaped, ${s.mixFiles} EDF of 32 KiB-${mib(s.mixMax)} (+ CSVs)`;
  }
}

export function listTree(root: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.set(relative(root, p).split("\\").join("/"), statSync(p).size);
    }
  };
  walk(root);
  return out;
}

/** Returns the workload under dataDir, generating it unless the same parameters made it before. */
export async function prepareWorkload(
  name: WorkloadName,
  dataDir: string,
  sizes: WorkloadSizes,
): Promise<Workload> {
  const root = join(dataDir, name);
  const stamp = join(dataDir, `${name}.params.json`);
  const params = JSON.stringify({ name, sizes, version: 1 });
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== params) {
    await rm(root, { recursive: true, force: true });
    await rm(stamp, { force: true });
    await mkdir(root, { recursive: true });
    await generate(name, root, sizes);
    writeFileSync(stamp, params);
  }
  const files = listTree(root);
  let bytes = 0;
  for (const size of files.values()) bytes += size;
  return { name, title: title(name, sizes), root, files, bytes };
}
