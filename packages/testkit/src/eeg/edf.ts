// Streaming EDF writer: header, then data records in fixed-size chunks through a file handle,
// so a multi-GB file needs only two chunk buffers of memory.
import { createHash } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";
import { encodeEdfHeader, headerBytesFor, recordBytes } from "./edf-header.ts";
import { mulberry32 } from "./prng.ts";
import { SignalPool, UV_PER_DIGIT } from "./signal-pool.ts";

export { type EdfHeader, type EdfSignal, parseEdfHeader, readEdfHeader } from "./edf-header.ts";

const CHUNK_BYTES = 4 << 20;

export interface EdfWriteSpec {
  /** Drives the signal content; same seed and spec give the same bytes. */
  seed: number;
  patientId: string;
  recordingId: string;
  /** dd.mm.yy */
  startDate: string;
  /** hh.mm.ss */
  startTime: string;
  labels: readonly string[];
  sampleRate: number;
  records: number;
  /** Default 1 s; sampleRate * recordSeconds must be a whole number of samples. */
  recordSeconds?: number;
  /** Hash the bytes as they are written (no second read of the file). */
  sha256?: boolean;
}

export interface EdfWritten {
  size: number;
  sha256?: string;
}

export function samplesPerRecord(sampleRate: number, recordSeconds = 1): number {
  const n = sampleRate * recordSeconds;
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`sampleRate * recordSeconds must be a positive integer, got ${n}`);
  }
  return n;
}

/** Records closest to `targetBytes` (at least one), so the file lands within a record of it. */
export function recordsForSize(
  targetBytes: number,
  channels: number,
  sampleRate: number,
  recordSeconds = 1,
): number {
  const rec = recordBytes(
    Array.from({ length: channels }, () => ({
      samplesPerRecord: samplesPerRecord(sampleRate, recordSeconds),
    })),
  );
  return Math.max(1, Math.round((targetBytes - headerBytesFor(channels)) / rec));
}

export function edfSize(channels: number, sampleRate: number, records: number, recordSeconds = 1) {
  return (
    headerBytesFor(channels) + records * channels * 2 * samplesPerRecord(sampleRate, recordSeconds)
  );
}

/** dd.mm.yy and hh.mm.ss as EDF wants them (yy 85-99 = 19xx, 00-84 = 20xx). */
export function edfDateTime(y: number, mo: number, d: number, h: number, mi: number, s: number) {
  const p = (n: number) => String(n).padStart(2, "0");
  return { startDate: `${p(d)}.${p(mo)}.${p(y % 100)}`, startTime: `${p(h)}.${p(mi)}.${p(s)}` };
}

export async function writeEdf(path: string, spec: EdfWriteSpec): Promise<EdfWritten> {
  const recordSeconds = spec.recordSeconds ?? 1;
  const spr = samplesPerRecord(spec.sampleRate, recordSeconds);
  if (!Number.isSafeInteger(spec.records) || spec.records < 1 || spec.records > 99_999_999) {
    throw new Error(`records must be an integer in 1..99999999, got ${spec.records}`);
  }
  const digitalMax = 32767;
  const digitalMin = -32768;
  const header = encodeEdfHeader({
    version: "0",
    patientId: spec.patientId,
    recordingId: spec.recordingId,
    startDate: spec.startDate,
    startTime: spec.startTime,
    reserved: "",
    records: spec.records,
    recordSeconds,
    signals: spec.labels.map((label) => ({
      label,
      transducer: "AgAgCl electrode",
      physicalDimension: "uV",
      physicalMin: Number((digitalMin * UV_PER_DIGIT).toFixed(1)),
      physicalMax: Number((digitalMax * UV_PER_DIGIT).toFixed(1)),
      digitalMin,
      digitalMax,
      prefiltering: "HP:0.5Hz LP:70Hz N:60Hz",
      samplesPerRecord: spr,
    })),
  });
  const rng = mulberry32(spec.seed);
  const pool = new SignalPool(spec.labels.length, spec.sampleRate, spr, rng);
  const recBytes = 2 * spr * spec.labels.length;
  const perChunk = Math.max(1, Math.min(spec.records, Math.floor(CHUNK_BYTES / recBytes)));
  // Two buffers: fill (and hash) one while the other is being written.
  const buffers = [
    Buffer.allocUnsafe(perChunk * recBytes),
    Buffer.allocUnsafe(perChunk * recBytes),
  ];
  const hash = spec.sha256 ? createHash("sha256") : undefined;
  const fh = await open(path, "w");
  let inFlight: Promise<void> = Promise.resolve();
  try {
    hash?.update(header);
    await writeFully(fh, header, 0);
    let position = header.length;
    for (let done = 0, k = 0; done < spec.records; k ^= 1) {
      const n = Math.min(perChunk, spec.records - done);
      const view = (buffers[k] as Buffer).subarray(0, n * recBytes);
      pool.fillRecords(view, n, rng);
      hash?.update(view);
      await inFlight;
      inFlight = writeFully(fh, view, position);
      position += view.length;
      done += n;
    }
    await inFlight;
    const written: EdfWritten = { size: position };
    if (hash) written.sha256 = hash.digest("hex");
    return written;
  } finally {
    // Never close the handle under a pending write; its error (if any) was already thrown.
    await inFlight.catch(() => {});
    await fh.close();
  }
}

async function writeFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position + off);
    off += bytesWritten;
  }
}
