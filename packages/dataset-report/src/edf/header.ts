// EDF/EDF+ header reader, pure: bytes in, facts or one problem out. The header is a 256-byte
// fixed part, then 256 bytes per signal laid out field by field across signals. A caller reads
// `EDF_FIXED_BYTES`, asks `edfHeaderLength` how much more it needs (a ranged read of the
// header only), then calls `parseEdfHeader` with those bytes and the file's size.

export const EDF_FIXED_BYTES = 256;

export type EdfFormat = "EDF" | "EDF+C" | "EDF+D";

export interface EdfSignalInfo {
  label: string;
  physicalDimension: string;
  samplesPerRecord: number;
  /** Hz: samples per record / record duration. */
  sampleRate: number;
}

export interface EdfInfo {
  format: EdfFormat;
  startDate: string;
  startTime: string;
  headerBytes: number;
  records: number;
  recordSeconds: number;
  /** records x record duration. */
  durationSeconds: number;
  /** Data signals; EDF+ "EDF Annotations" signals are left out (as pyedflib and MNE do). */
  signals: EdfSignalInfo[];
  annotationSignals: number;
}

export type EdfHeaderResult = { ok: true; info: EdfInfo } | { ok: false; problem: string };

class HeaderProblem extends Error {}

const latin1 = (b: Uint8Array, from: number, to: number) =>
  Buffer.from(b.buffer, b.byteOffset + from, to - from).toString("latin1");
const text = (b: Uint8Array, from: number, to: number) =>
  Buffer.from(b.buffer, b.byteOffset + from, to - from)
    .toString("utf8")
    .trim();

function number(raw: string, what: string): number {
  const t = raw.trim();
  // EDF numbers are plain ASCII decimals; Number("") is 0 and Number("0x10") is 16, so be strict.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t))
    throw new HeaderProblem(`${what} is not a number: "${t}"`);
  return Number(t);
}

/**
 * Total header length from the fixed part (256 x (signals + 1)), or a problem when the fixed
 * part is short or its signal count unreadable.
 */
export function edfHeaderLength(
  fixed: Uint8Array,
): { ok: true; bytes: number } | { ok: false; problem: string } {
  if (fixed.length < EDF_FIXED_BYTES)
    return {
      ok: false,
      problem: `truncated: ${fixed.length} bytes, an EDF header has at least 256`,
    };
  try {
    const ns = signalCount(fixed);
    return { ok: true, bytes: EDF_FIXED_BYTES * (ns + 1) };
  } catch (e) {
    return { ok: false, problem: (e as Error).message };
  }
}

function signalCount(b: Uint8Array): number {
  const ns = number(latin1(b, 252, 256), "number of signals");
  if (!Number.isInteger(ns) || ns < 1) throw new HeaderProblem(`number of signals is ${ns}`);
  return ns;
}

/** `header` holds at least the whole header; `fileSize` is the file's length in bytes. */
export function parseEdfHeader(header: Uint8Array, fileSize: number): EdfHeaderResult {
  try {
    return { ok: true, info: parse(header, fileSize) };
  } catch (e) {
    if (e instanceof HeaderProblem) return { ok: false, problem: e.message };
    throw e;
  }
}

function parse(b: Uint8Array, fileSize: number): EdfInfo {
  if (fileSize < EDF_FIXED_BYTES || b.length < EDF_FIXED_BYTES)
    throw new HeaderProblem(`truncated: ${fileSize} bytes, an EDF header has at least 256`);
  const version = latin1(b, 0, 8);
  if (version.trim() !== "0") {
    const bdf = b[0] === 0xff;
    throw new HeaderProblem(
      bdf ? "a BDF (24-bit) file, not EDF" : `version field is "${version.trim()}", EDF has "0"`,
    );
  }
  const startDate = latin1(b, 168, 176);
  const startTime = latin1(b, 176, 184);
  const headerBytes = number(latin1(b, 184, 192), "header length");
  const reserved = latin1(b, 192, 236);
  const format: EdfFormat = reserved.startsWith("EDF+C")
    ? "EDF+C"
    : reserved.startsWith("EDF+D")
      ? "EDF+D"
      : "EDF";
  let records = number(latin1(b, 236, 244), "number of data records");
  const recordSeconds = number(latin1(b, 244, 252), "data record duration");
  const ns = signalCount(b);
  const expectedHeader = EDF_FIXED_BYTES * (ns + 1);
  if (headerBytes !== expectedHeader)
    throw new HeaderProblem(`header length ${headerBytes} != 256 x (${ns} signals + 1)`);
  if (fileSize < headerBytes || b.length < headerBytes)
    throw new HeaderProblem(
      `truncated: ${Math.min(fileSize, b.length)} bytes, the header alone is ${headerBytes}`,
    );
  if (!(recordSeconds > 0)) throw new HeaderProblem(`data record duration is ${recordSeconds}`);

  const column = (offset: number, width: number, i: number) =>
    EDF_FIXED_BYTES + ns * offset + i * width;
  const field = (offset: number, width: number, i: number) =>
    text(b, column(offset, width, i), column(offset, width, i) + width);
  // Per-signal field offsets (in units of ns bytes): label 0, transducer 16, dimension 96,
  // physical min 104 / max 112, digital min 120 / max 128, prefiltering 136, samples 216.
  const all = Array.from({ length: ns }, (_, i) => ({
    label: field(0, 16, i),
    physicalDimension: field(96, 8, i),
    samplesPerRecord: number(field(216, 8, i), `samples per record of signal ${i + 1}`),
  }));
  for (const [i, s] of all.entries()) {
    if (!Number.isInteger(s.samplesPerRecord) || s.samplesPerRecord < 1)
      throw new HeaderProblem(`signal ${i + 1} has ${s.samplesPerRecord} samples per record`);
  }
  const recordBytes = all.reduce((n, s) => n + 2 * s.samplesPerRecord, 0);
  const dataBytes = fileSize - headerBytes;
  if (records === -1) {
    // -1 is allowed while recording; the file's size then tells the count.
    records = Math.floor(dataBytes / recordBytes);
  } else if (!Number.isInteger(records) || records < 0) {
    throw new HeaderProblem(`number of data records is ${records}`);
  }
  const expectedSize = headerBytes + records * recordBytes;
  if (fileSize < expectedSize)
    throw new HeaderProblem(
      `truncated: ${fileSize} bytes, the header says ${expectedSize} (${records} records of ${recordBytes} bytes)`,
    );
  if (fileSize !== expectedSize)
    throw new HeaderProblem(
      `size ${fileSize} disagrees with the header's ${expectedSize} (${records} records of ${recordBytes} bytes)`,
    );
  const isAnnotation = (label: string) => format !== "EDF" && label === "EDF Annotations";
  const signals = all
    .filter((s) => !isAnnotation(s.label))
    .map((s) => ({ ...s, sampleRate: s.samplesPerRecord / recordSeconds }));
  return {
    format,
    startDate,
    startTime,
    headerBytes,
    records,
    recordSeconds,
    durationSeconds: records * recordSeconds,
    signals,
    annotationSignals: ns - signals.length,
  };
}
