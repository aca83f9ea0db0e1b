// The header of one local EDF file, read the way the gatherer reads every source (one ranged
// read, a second only for more than 63 signals); never the data records.
import { stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { EdfHeaderResult } from "../edf/header.ts";
import { readEdfHeader } from "./gather.ts";
import { localReader } from "./local.ts";

export async function readEdfHeaderFile(path: string): Promise<EdfHeaderResult> {
  const { size } = await stat(path);
  return readEdfHeader(localReader(dirname(path)), basename(path), size);
}
