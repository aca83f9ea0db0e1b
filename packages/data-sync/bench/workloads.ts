// The benchmark's datasets: deterministic trees, regenerated only when their parameters change.
import { createCipheriv, createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { generateTusz } from "@bgb/testkit";

const KiB = 1024;
const MiB = 1024 * KiB;
const KB = 1000;

export interface WorkloadSizes {
  /** TUSZ-like small tree: this many EDF of smallMin-smallMax bytes (uniform), each with a CSV. */
  smallFiles: number;
  smallMin: number;
  smallMax: number;
  largeFiles: number;
  largeSize: number;
  mixFiles: number;
  mixMax: number;
  /** The WAN scenario's TUSZ-shaped tree: EDF with long-tailed sizes up to tuszMax, each with a CSV. */
  tuszFiles: number;
  tuszMax: number;
  /** Tiny files (100-1,000 bytes) for the no-op re-sync and the memory-at-scale scenarios. */
  noopFiles: number;
  scaleFiles: number;
}

export const DEFAULT_SIZES: WorkloadSizes = {
  smallFiles: 1500,
  smallMin: 2 * KB,
  smallMax: 300 * KB,
  largeFiles: 4,
  largeSize: 256 * MiB,
  mixFiles: 40,
  mixMax: 64 * MiB,
  tuszFiles: 1000,
  tuszMax: 64 * MiB,
  noopFiles: 100_000,
  scaleFiles: 200_000,
};

export type WorkloadName = "small" | "large" | "mix" | "tusz" | "noop" | "scale";
/** The workloads of the first-upload and re-run scenarios (tusz, noop, scale have their own). */
export const UPLOAD_WORKLOADS = ["small", "large", "mix"] as const;

export interface Workload {
  name: WorkloadName;
  title: string;
  root: string;
  /** key (relative POSIX path) -> size */
  files: Map<string, number>;
  bytes: number;
}

/** Uniform [0, 1) from a seeded LCG: the same tree on every machine. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

/** Incompressible bytes (AES-CTR over zeros), so no tool or disk gains from compression. */
function noise(label: string): (size: number) => Buffer {
  const key = createHash("sha256").update(label).digest().subarray(0, 16);
  const stream = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  return (size) => stream.update(Buffer.alloc(size));
}

/** A label CSV like TUSZ's (a header and a few event rows): a few hundred bytes of text. */
function labelCsv(name: string, events: number): string {
  const rows = [
    "# version = csv_v1.0.0",
    `# bname = ${name}`,
    "channel,start_time,stop_time,label,confidence",
  ];
  for (let e = 0; e < events; e++)
    rows.push(`FP1-F7,${(e * 12.5).toFixed(4)},${(e * 12.5 + 10).toFixed(4)},bckg,1.0000`);
  return `${rows.join("\n")}\n`;
}

/**
 * A TUSZ-shaped tree: n EDF (sizes from `size`) each with its label CSV, 10 recordings per
 * patient folder under edf/train/, as tusz's edf/<split>/<patient>/... layout.
 */
function writeEdfTree(root: string, n: number, seed: number, size: (u: number) => number): void {
  const next = lcg(seed);
  const bytes = noise(`bench-${seed}`);
  for (let i = 0; i < n; i++) {
    const dir = join(root, "edf", "train", `p${String(Math.floor(i / 10)).padStart(5, "0")}`);
    if (i % 10 === 0) mkdirSync(dir, { recursive: true });
    const name = `p${String(i).padStart(6, "0")}_s001_t000`;
    writeFileSync(join(dir, `${name}.edf`), bytes(Math.max(1, Math.round(size(next())))));
    writeFileSync(join(dir, `${name}.csv`), labelCsv(name, 1 + Math.floor(next() * 8)));
  }
}

/** n files of 100-1,000 bytes, 1,000 per folder: the per-file cost with almost no bytes. */
function writeTinyFiles(root: string, n: number, seed: number): void {
  const next = lcg(seed);
  const bytes = noise(`bench-tiny-${seed}`);
  for (let i = 0; i < n; i++) {
    const dir = join(root, "edf", `d${String(Math.floor(i / 1000)).padStart(4, "0")}`);
    if (i % 1000 === 0) mkdirSync(dir, { recursive: true });
    const file = join(dir, `f${String(i).padStart(7, "0")}.bin`);
    writeFileSync(file, bytes(100 + Math.floor(next() * 901)));
  }
}

/** Truncated Pareto with exponent 1 (density ~ 1/size^2): most files small, a few up to max. */
const longTail = (min: number, max: number) => (u: number) => min / (1 - u * (1 - min / max));

async function generate(name: WorkloadName, root: string, s: WorkloadSizes): Promise<void> {
  switch (name) {
    case "small": {
      const uniform = (u: number) => s.smallMin + u * (s.smallMax - s.smallMin);
      return writeEdfTree(root, s.smallFiles, 20261201, uniform);
    }
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
    case "tusz":
      return writeEdfTree(root, s.tuszFiles, 20261202, longTail(32 * KiB, s.tuszMax));
    case "noop":
      return writeTinyFiles(root, s.noopFiles, 1);
    case "scale":
      return writeTinyFiles(root, s.scaleFiles, 2);
  }
}

/** The parameters a workload depends on: changing another flag must not regenerate it. */
function params(name: WorkloadName, s: WorkloadSizes): number[] {
  switch (name) {
    case "small":
      return [s.smallFiles, s.smallMin, s.smallMax];
    case "large":
      return [s.largeFiles, s.largeSize];
    case "mix":
      return [s.mixFiles, s.mixMax];
    case "tusz":
      return [s.tuszFiles, s.tuszMax];
    case "noop":
      return [s.noopFiles];
    case "scale":
      return [s.scaleFiles];
  }
}

function title(name: WorkloadName, s: WorkloadSizes): string {
  const mib = (x: number) => `${Math.round(x / MiB)} MiB`;
  const n = (x: number) => x.toLocaleString("en-US");
  switch (name) {
    case "small":
      return `small: TUSZ-like, ${n(s.smallFiles)} EDF of ${s.smallMin / KB}-${s.smallMax / KB} KB (uniform) + ${n(s.smallFiles)} label CSVs`;
    case "large":
      return `large: ${s.largeFiles} x ${mib(s.largeSize)} EDF (+ label CSVs)`;
    case "mix":
      return `mix: TUSZ-shaped, ${s.mixFiles} EDF of 32 KiB-${mib(s.mixMax)} (log-uniform) + CSVs`;
    case "tusz":
      return `tusz: ${n(s.tuszFiles)} EDF of 32 KiB-${mib(s.tuszMax)}, long-tailed (density ~ 1/size^2), + ${n(s.tuszFiles)} label CSVs`;
    case "noop":
      return `noop: ${n(s.noopFiles)} files of 100-1,000 bytes`;
    case "scale":
      return `scale: ${n(s.scaleFiles)} files of 100-1,000 bytes`;
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
  const stampText = JSON.stringify({ name, params: params(name, sizes), version: 2 });
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== stampText) {
    await rm(root, { recursive: true, force: true });
    await rm(stamp, { force: true });
    await mkdir(root, { recursive: true });
    await generate(name, root, sizes);
    writeFileSync(stamp, stampText);
  }
  const files = listTree(root);
  let bytes = 0;
  for (const size of files.values()) bytes += size;
  return { name, title: title(name, sizes), root, files, bytes };
}
