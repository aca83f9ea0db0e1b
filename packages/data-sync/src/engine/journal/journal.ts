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
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { FatalError } from "../errors.ts";
import { acquireLock, type HeldLock } from "./lock.ts";
import { encodeRecord, type JournalRecord } from "./records.ts";
import { applyRecord, type JournalState, replay, snapshot } from "./state.ts";

export interface OpenJournal {
  readonly path: string;
  readonly state: JournalState;
  /** lines found damaged when the journal was opened (torn tail, garbage) */
  readonly damagedOnOpen: number;
  /** there was no journal (first run here, or it was deleted): it can vouch for nothing */
  readonly fresh: boolean;
  append(rec: JournalRecord): void;
  close(): void;
}

const SYNC_EVERY_MS = 500;

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
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new FatalError(
      `cannot create the journal folder ${dirname(path)} (${(err as NodeJS.ErrnoException).code}); check --state-dir`,
    );
  }
  let lock: HeldLock;
  try {
    lock = acquireLock(`${path}.lock`, path);
  } catch (err) {
    if (err instanceof FatalError) throw err;
    throw new FatalError(
      `cannot lock the journal ${path} (${(err as NodeJS.ErrnoException).code}); check the permissions of ${dirname(path)} or pass another --state-dir`,
    );
  }
  try {
    return openLocked(path, header, lock);
  } catch (err) {
    // Whatever went wrong, the lock must not outlive this attempt.
    lock.release();
    if (err instanceof FatalError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new FatalError(
      code === "EISDIR"
        ? `journal ${path} is a directory, not a file; move it away or pass another --state-dir`
        : `journal ${path} cannot be read or written (${code ?? (err as Error).message}); fix its permissions, move it away, or pass another --state-dir`,
    );
  }
}

function openLocked(
  path: string,
  header: Extract<JournalRecord, { t: "hdr" }>,
  lock: HeldLock,
): OpenJournal {
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
    fresh: text === "",
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
      lock.release();
    },
  };
}

/** For status/gc: read without locking or rewriting. */
export function readJournal(path: string): { state: JournalState; damaged: number } {
  let text = "";
  try {
    text = existsSync(path) ? readFileSync(path, "utf8") : "";
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FatalError(
      code === "EISDIR"
        ? `journal ${path} is a directory, not a file; move it away or pass another --state-dir`
        : `journal ${path} cannot be read (${code}); fix its permissions or move it away`,
    );
  }
  const state = replay(text);
  return { state, damaged: state.damagedLines };
}
