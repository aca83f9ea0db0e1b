// Reads an EDF header from a local file with two small reads (fixed part, then the signal
// headers), never the data records; the file's size comes from the same handle.
import { open } from "node:fs/promises";
import {
  EDF_FIXED_BYTES,
  type EdfHeaderResult,
  edfHeaderLength,
  parseEdfHeader,
} from "../edf/header.ts";

export async function readEdfHeaderFile(path: string): Promise<EdfHeaderResult> {
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    const fixed = Buffer.alloc(Math.min(EDF_FIXED_BYTES, size));
    await fh.read(fixed, 0, fixed.length, 0);
    const length = edfHeaderLength(fixed);
    if (!length.ok) return length;
    const header = Buffer.alloc(Math.min(length.bytes, size));
    await fh.read(header, 0, header.length, 0);
    return parseEdfHeader(header, size);
  } finally {
    await fh.close();
  }
}
