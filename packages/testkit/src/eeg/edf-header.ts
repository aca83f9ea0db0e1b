// EDF (1992 spec, not EDF+) header: a 256-byte fixed part, then 256 bytes per signal laid out
// field by field across signals. Every field is space-padded printable ASCII.
import { open } from "node:fs/promises";

export interface EdfSignal {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
}

export interface EdfHeader {
  version: string;
  patientId: string;
  recordingId: string;
  /** dd.mm.yy */
  startDate: string;
  /** hh.mm.ss */
  startTime: string;
  headerBytes: number;
  reserved: string;
  /** Number of data records (-1 = unknown, never written here). */
  records: number;
  recordSeconds: number;
  signals: EdfSignal[];
}

const FIXED = [
  ["version", 8],
  ["patientId", 80],
  ["recordingId", 80],
  ["startDate", 8],
  ["startTime", 8],
  ["headerBytes", 8],
  ["reserved", 44],
  ["records", 8],
  ["recordSeconds", 8],
  ["ns", 4],
] as const;

const PER_SIGNAL = [
  ["label", 16],
  ["transducer", 80],
  ["physicalDimension", 8],
  ["physicalMin", 8],
  ["physicalMax", 8],
  ["digitalMin", 8],
  ["digitalMax", 8],
  ["prefiltering", 80],
  ["samplesPerRecord", 8],
  ["reserved", 32],
] as const;

/** Bytes of one data record: int16 samples of every signal. */
export function recordBytes(signals: readonly Pick<EdfSignal, "samplesPerRecord">[]): number {
  return signals.reduce((sum, s) => sum + 2 * s.samplesPerRecord, 0);
}

export function headerBytesFor(signalCount: number): number {
  return 256 * (signalCount + 1);
}

/** The header bytes; `headerBytes` in the input is ignored and recomputed. */
export function encodeEdfHeader(h: Omit<EdfHeader, "headerBytes">): Buffer {
  const ns = h.signals.length;
  const parts: string[] = [];
  const fixed: Record<(typeof FIXED)[number][0], string | number> = {
    version: h.version,
    patientId: h.patientId,
    recordingId: h.recordingId,
    startDate: h.startDate,
    startTime: h.startTime,
    headerBytes: headerBytesFor(ns),
    reserved: h.reserved,
    records: h.records,
    recordSeconds: h.recordSeconds,
    ns,
  };
  for (const [name, width] of FIXED) parts.push(field(fixed[name], width, name));
  for (const [name, width] of PER_SIGNAL) {
    for (const s of h.signals) parts.push(field(name === "reserved" ? "" : s[name], width, name));
  }
  const out = Buffer.from(parts.join(""), "latin1");
  if (out.length !== headerBytesFor(ns)) throw new Error(`EDF header is ${out.length} bytes`);
  return out;
}

function field(value: string | number, width: number, name: string): string {
  const text = typeof value === "number" ? formatNumber(value, width) : value;
  if (text.length > width) throw new Error(`EDF field ${name} "${text}" is longer than ${width}`);
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`EDF field ${name} must be printable ASCII`);
  return text.padEnd(width, " ");
}

/** Shortest decimal that fits; EDF readers parse these with atof, so trimming precision is fine. */
function formatNumber(n: number, width: number): string {
  const plain = String(n);
  if (plain.length <= width) return plain;
  for (let digits = width; digits >= 0; digits--) {
    const t = String(Number(n.toFixed(digits)));
    if (t.length <= width) return t;
  }
  throw new Error(`number ${n} does not fit in ${width} characters`);
}

export function parseEdfHeader(buf: Buffer): EdfHeader {
  if (buf.length < 256) throw new Error(`EDF header truncated: ${buf.length} bytes`);
  let pos = 0;
  const take = (width: number): string => {
    if (pos + width > buf.length) throw new Error("EDF header truncated");
    const text = buf.toString("latin1", pos, pos + width);
    pos += width;
    if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`non-ASCII byte in EDF header near ${pos}`);
    return text.trimEnd();
  };
  const num = (width: number, name: string): number => {
    const text = take(width).trim();
    const n = Number(text);
    if (text === "" || !Number.isFinite(n))
      throw new Error(`EDF ${name} is not a number: "${text}"`);
    return n;
  };
  const version = take(8);
  const patientId = take(80);
  const recordingId = take(80);
  const startDate = take(8);
  const startTime = take(8);
  const headerBytes = num(8, "header bytes");
  const reserved = take(44);
  const records = num(8, "number of data records");
  const recordSeconds = num(8, "record duration");
  const ns = num(4, "number of signals");
  if (!/^\d\d\.\d\d\.\d\d$/.test(startDate)) throw new Error(`EDF start date "${startDate}"`);
  if (!/^\d\d\.\d\d\.\d\d$/.test(startTime)) throw new Error(`EDF start time "${startTime}"`);
  if (headerBytes !== headerBytesFor(ns)) {
    throw new Error(`EDF header bytes ${headerBytes} != 256 * (ns + 1) with ns = ${ns}`);
  }
  const columns = (width: number) => Array.from({ length: ns }, () => take(width));
  const numbers = (width: number, name: string) =>
    Array.from({ length: ns }, () => num(width, name));
  const label = columns(16);
  const transducer = columns(80);
  const physicalDimension = columns(8);
  const physicalMin = numbers(8, "physical minimum");
  const physicalMax = numbers(8, "physical maximum");
  const digitalMin = numbers(8, "digital minimum");
  const digitalMax = numbers(8, "digital maximum");
  const prefiltering = columns(80);
  const samplesPerRecord = numbers(8, "samples per record");
  columns(32);
  const signals = label.map((l, i) => ({
    label: l,
    transducer: transducer[i] ?? "",
    physicalDimension: physicalDimension[i] ?? "",
    physicalMin: physicalMin[i] ?? 0,
    physicalMax: physicalMax[i] ?? 0,
    digitalMin: digitalMin[i] ?? 0,
    digitalMax: digitalMax[i] ?? 0,
    prefiltering: prefiltering[i] ?? "",
    samplesPerRecord: samplesPerRecord[i] ?? 0,
  }));
  return {
    version,
    patientId,
    recordingId,
    startDate,
    startTime,
    headerBytes,
    reserved,
    records,
    recordSeconds,
    signals,
  };
}

/** Reads and parses the header of an EDF file; `fileSize` lets callers check the data length. */
export async function readEdfHeader(path: string): Promise<EdfHeader & { fileSize: number }> {
  const fh = await open(path, "r");
  try {
    const fileSize = (await fh.stat()).size;
    const fixed = Buffer.alloc(256);
    await fh.read(fixed, 0, 256, 0);
    const ns = Number(fixed.toString("latin1", 252, 256).trim());
    if (!Number.isInteger(ns) || ns < 0 || ns > 4096) throw new Error(`${path}: bad signal count`);
    const full = Buffer.alloc(Math.min(headerBytesFor(ns), fileSize));
    await fh.read(full, 0, full.length, 0);
    return { ...parseEdfHeader(full), fileSize };
  } finally {
    await fh.close();
  }
}
