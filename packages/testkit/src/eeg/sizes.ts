// Target file sizes: a log-uniform spread (real EEG corpora mix KB stubs with GB recordings)
// or an explicit list, plus the human unit parser the CLI uses.
import { formatBytes, parseByteSize } from "@bgb/shared";
import type { Rng } from "./prng.ts";

/** Either a log-uniform range or explicit sizes, used in order and cycled if shorter. */
export type SizeSpec = { minBytes: number; maxBytes: number } | readonly number[];

export function drawSizes(spec: SizeSpec, count: number, rng: Rng): number[] {
  if (Array.isArray(spec)) {
    const list = spec as readonly number[];
    if (list.length === 0) throw new Error("sizes: the explicit list is empty");
    for (const s of list) checkSize(s, "sizes[]");
    return Array.from({ length: count }, (_, i) => list[i % list.length] as number);
  }
  const { minBytes, maxBytes } = spec as { minBytes: number; maxBytes: number };
  checkSize(minBytes, "sizes.minBytes");
  checkSize(maxBytes, "sizes.maxBytes");
  if (maxBytes < minBytes) throw new Error(`sizes: maxBytes ${maxBytes} < minBytes ${minBytes}`);
  const lo = Math.log(minBytes);
  const hi = Math.log(maxBytes);
  return Array.from({ length: count }, () => Math.round(Math.exp(lo + rng.next() * (hi - lo))));
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`${what}: expected a positive integer, got ${n}`);
}

/** "4KiB", "1.5GB", "64M" (bare K/M/G/T are binary), "100" (bytes). Throws on anything else. */
export function parseSize(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) {
    throw new Error(`invalid size "${text}" (examples: 4096, 4KiB, 64MiB, 1.5GB; must be > 0)`);
  }
  return bytes;
}

export { formatBytes };
