// The hashing floor: one SHA-256 pass over a workload's bytes on this machine, measured in the
// bench's own process. Every byte an upload verifies needs at least this much CPU, so it is the
// limit line the tools' CPU seconds are compared with.
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import type { Workload } from "./workloads.ts";

const CHUNK = 4 * 1024 * 1024;

export interface Floor {
  /** CPU seconds of createHash + update + digest over every file (reads not counted). */
  seconds: number;
  bytes: number;
  files: number;
}

/**
 * Reads each file in 4 MiB chunks and times only the hashing calls with the monotonic clock:
 * they are synchronous on this thread, so their wall time is their CPU time.
 */
export function hashFloor(w: Workload): Floor {
  const buf = Buffer.allocUnsafe(CHUNK);
  let ns = 0n;
  for (const key of w.files.keys()) {
    const fd = openSync(join(w.root, key), "r");
    try {
      let t = process.hrtime.bigint();
      const hash = createHash("sha256");
      ns += process.hrtime.bigint() - t;
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, null);
        if (n === 0) break;
        t = process.hrtime.bigint();
        hash.update(buf.subarray(0, n));
        ns += process.hrtime.bigint() - t;
      }
      t = process.hrtime.bigint();
      hash.digest();
      ns += process.hrtime.bigint() - t;
    } finally {
      closeSync(fd);
    }
  }
  return { seconds: Number(ns) / 1e9, bytes: w.bytes, files: w.files.size };
}
