// The journal file: append-only, one fsync'd line per fact, replayed on start.
// A record is written only after the fact it states is true in the bucket, so losing the
// tail (kill -9, power loss) only means redoing work, never trusting work that did not happen.
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { FatalError } from "../errors.ts";
import { encodeRecord, type JournalRecord } from "./records.ts";
import { applyRecord, type JournalState, replay, snapshot } from "./state.ts";

export interface OpenJournal {
  readonly path: string;
  readonly state: JournalState;
  /** lines found damaged when the journal was opened (torn tail, garbage) */
  readonly damagedOnOpen: number;
  append(rec: JournalRecord): void;
  close(): void;
}

const SYNC_EVERY_MS = 500;

function acquireLock(lockPath: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
      let alive = false;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (alive) {
        throw new FatalError(
          `another sync (pid ${pid}) is using ${lockPath.replace(/\.lock$/, "")}; wait for it or stop it`,
        );
      }
      unlinkSync(lockPath); // left by a killed run
    }
  }
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
  const dfd = openSync(dirname(path), "r");
  fsyncSync(dfd);
  closeSync(dfd);
}

export function openJournal(
  path: string,
  header: Extract<JournalRecord, { t: "hdr" }>,
): OpenJournal {
  mkdirSync(dirname(path), { recursive: true });
  const lockPath = `${path}.lock`;
  acquireLock(lockPath);
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const state = replay(text);
  const damagedOnOpen = state.damagedLines;
  if (
    state.header &&
    (state.header.bucket !== header.bucket || state.header.prefix !== header.prefix)
  ) {
    throw new FatalError(
      `journal ${path} belongs to s3://${state.header.bucket}/${state.header.prefix}`,
    );
  }
  state.header = header;
  // Rewrite when damaged (so the damage is not re-read forever) or when history dominates.
  const snap = snapshot(state);
  if (damagedOnOpen > 0 || state.records > 2 * snap.length + 1000 || !text) {
    writeAtomically(path, snap.map(encodeRecord).join(""));
  }
  state.damagedLines = 0;
  const fd = openSync(path, "a");
  let dirty = false;
  const timer = setInterval(() => {
    if (dirty) {
      fdatasyncSync(fd);
      dirty = false;
    }
  }, SYNC_EVERY_MS);
  timer.unref();
  let closed = false;
  return {
    path,
    state,
    damagedOnOpen,
    append(rec) {
      if (closed) return;
      writeSync(fd, encodeRecord(rec));
      applyRecord(state, rec);
      dirty = true;
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      fdatasyncSync(fd);
      closeSync(fd);
      try {
        unlinkSync(lockPath);
      } catch {
        // already gone
      }
    },
  };
}

/** For status/gc: read without locking or rewriting. */
export function readJournal(path: string): { state: JournalState; damaged: number } {
  const state = replay(existsSync(path) ? readFileSync(path, "utf8") : "");
  return { state, damaged: state.damagedLines };
}
