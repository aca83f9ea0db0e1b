// Options shared by the dataset generators and the helpers that resolve their defaults.
import type { Rng } from "./prng.ts";
import type { SizeSpec } from "./sizes.ts";

export interface EegDatasetOptions {
  /** Output directory; must be empty or absent unless `replace`. */
  root: string;
  /** Default 1. Same seed and options give byte-identical trees. */
  seed?: number;
  patients?: number;
  /** Total EDF files, spread over patients (each gets at least one). */
  files?: number;
  /** Target EDF sizes; each file lands within one data record of its target. */
  sizes?: SizeSpec;
  /** Hz, default 256. */
  sampleRate?: number;
  /** A channel count (default labels, extended if needed) or explicit EDF labels (<= 16 chars). */
  channels?: number | readonly string[];
  /** Seconds per EDF data record, default 1. */
  recordSeconds?: number;
  /** Delete a non-empty `root` first instead of refusing. */
  replace?: boolean;
}

export function positiveInt(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${what} must be a positive integer, got ${value}`);
  return value;
}

export function resolveLabels(
  channels: number | readonly string[] | undefined,
  defaults: readonly string[],
  extra: (i: number) => string,
): string[] {
  if (channels === undefined) return [...defaults];
  if (typeof channels !== "number") {
    if (channels.length === 0) throw new Error("channels: empty label list");
    return [...channels];
  }
  positiveInt(channels, "channels");
  return Array.from({ length: channels }, (_, i) => defaults[i] ?? extra(i + 1));
}

/** `total` items over `buckets` buckets, each at least one, the rest placed at random. */
export function spread(total: number, buckets: number, rng: Rng): number[] {
  if (total < buckets) throw new Error(`files (${total}) must be >= patients (${buckets})`);
  const out = Array.from({ length: buckets }, () => 1);
  for (let i = buckets; i < total; i++) {
    const b = rng.int(0, buckets - 1);
    out[b] = (out[b] ?? 0) + 1;
  }
  return out;
}

export const pad = (n: number, width: number): string => String(n).padStart(width, "0");
