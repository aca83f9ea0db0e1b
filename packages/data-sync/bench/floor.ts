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

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system; // microseconds; the kernel's precise total, not a sample
};

/** One pass: CPU microseconds of the hashing calls alone (the reads between them excluded). */
function onePass(w: Workload, buf: Buffer): number {
  let us = 0;
  for (const key of w.files.keys()) {
    const fd = openSync(join(w.root, key), "r");
    try {
      let n = readSync(fd, buf, 0, CHUNK, null);
      let t = cpuNow();
      const hash = createHash("sha256");
      for (;;) {
        hash.update(buf.subarray(0, n));
        if (n < CHUNK) break;
        us += cpuNow() - t;
        n = readSync(fd, buf, 0, CHUNK, null);
        t = cpuNow();
      }
      hash.digest();
      us += cpuNow() - t;
    } finally {
      closeSync(fd);
    }
  }
  return us;
}

/**
 * Hashes every file in 4 MiB chunks and counts the process's CPU time (user + system) spent in
 * the hashing calls only, not their wall time, so a busy machine does not inflate it; the best
 * of three passes, as the least this machine needs.
 */
export function hashFloor(w: Workload): Floor {
  const buf = Buffer.allocUnsafe(CHUNK);
  const us = Math.min(onePass(w, buf), onePass(w, buf), onePass(w, buf));
  return { seconds: us / 1e6, bytes: w.bytes, files: w.files.size };
}
