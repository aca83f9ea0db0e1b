// Part sizing: S3 allows 5 MiB..5 GiB parts and at most 10,000 of them.
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const MIN_PART = 5 * MiB;
export const MAX_PART = 5 * GiB;
export const MAX_PARTS = 10_000;

/** The requested part size, raised (to a whole MiB) only as far as needed to stay under 10,000 parts. */
export function partSizeFor(fileSize: number, requested: number): number {
  const needed = Math.ceil(fileSize / MAX_PARTS / MiB) * MiB;
  return Math.min(MAX_PART, Math.max(MIN_PART, requested, needed));
}

export function partCount(fileSize: number, partSize: number): number {
  return Math.max(1, Math.ceil(fileSize / partSize));
}

/** Byte range [start, end) of 1-based part n. */
export function partRange(fileSize: number, partSize: number, n: number): [number, number] {
  const start = (n - 1) * partSize;
  return [start, Math.min(fileSize, start + partSize)];
}
