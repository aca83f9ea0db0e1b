// Human sizes and rates for flags and output: "64MiB", "16M", "1.5GB", "10MB/s".
import { formatBytes, parseByteSize } from "@bgb/shared";
import { UsageError } from "../engine/errors.ts";

export { formatBytes };

export function parseSize(flag: string, value: string): number {
  const bytes = parseByteSize(value);
  if (bytes === undefined) {
    throw new UsageError(
      `${flag}: "${value}" is not a size; use a number with an optional unit like 16MiB, 512K or 1G`,
    );
  }
  return bytes;
}

export function parseIntFlag(flag: string, value: string, min: number, max: number): number {
  // Number() also reads "0x10", "1e2" and " 16": a count is plain decimal digits.
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag}: "${value}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
