// The journal file: append-only, one line per fact, replayed on start.
// A record is written only after the fact it states is true in the bucket, so losing the
// tail (kill -9, power loss) only means redoing work, never trusting work that did not happen.
//
// Durability is group commit: append() writes its line at once (a kill -9 keeps what the
// kernel has), and durable() waits for an fdatasync, run on libuv's thread pool (never on the
// event loop), that started after every line appended so far. Lines appended while one sync
// runs share the next: 16 files finishing together cost one or two syncs, not 16. A file is
// reported done only once its line is durable (sync.ts awaits durable() before file_done).
import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { FatalError } from "../errors.ts";
import { acquireLock, type HeldLock } from "./lock.ts";
import { encodeRecord, type JournalRecord } from "./records.ts";
import {
  applyRecord,
  emptyState,
  type JournalState,
  replayFile,
  snapshot,
  snapshotLength,
} from "./state.ts";

export interface OpenJournal {
  readonly path: string;
  readonly state: JournalState;
  /** lines found damaged when the journal was opened (torn tail, garbage) */
  readonly damagedOnOpen: number;
  /** there was no journal (first run here, or it was deleted): it can vouch for nothing */
  readonly fresh: boolean;
  /** Writes the line now (page cache) and applies it to state; durable() makes it survive power loss. */
  append(rec: JournalRecord): void;
  /** Resolves once every line appended before this call is on disk (fdatasync). */
  durable(): Promise<void>;
  /** lines appended and fdatasyncs run since open (the group commit at work) */
  readonly stats: { readonly lines: number; readonly syncs: number };
  close(): void;
}

/** Lines nobody waits for (intents, uploads started) are still synced this often. */
const SYNC_EVERY_MS = 500;

/** Group commit over one append-only fd: at most one fdatasync in flight, waiters batched. */
function groupCommit(fd: number, path: string) {
  let written = 0; // lines written to the fd
  let synced = 0; // lines covered by a finished fdatasync
  let syncs = 0;
  let inFlight = false;
  let closed = false;
  let failure: Error | undefined;
  const waiters: { upTo: number; resolve: () => void; reject: (e: Error) => void }[] = [];

  const settle = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i] as (typeof waiters)[number];
      if (failure) w.reject(failure);
      else if (w.upTo <= synced) w.resolve();
      else continue;
      waiters.splice(i, 1);
    }
  };
  const kick = () => {
    if (inFlight || closed || failure || synced === written) return;
    inFlight = true;
    syncs++;
    const upTo = written;
    fdatasync(fd, (err) => {
      inFlight = false;
      if (closed) return; // close() synced and closed the fd itself
      if (err) {
        failure = new FatalError(
          `journal ${path} cannot be synced to disk (${err.code}); check the disk of --state-dir`,
        );
      } else synced = upTo;
      settle();
      if (waiters.length) kick();
    });
  };
  return {
    wrote() {
      written++;
    },
    get dirty() {
      return synced !== written;
    },
    get stats() {
      return { lines: written, syncs };
    },
    kick,
    durable(): Promise<void> {
      if (failure) return Promise.reject(failure);
      if (closed || synced === written) return Promise.resolve();
      const upTo = written;
      const p = new Promise<void>((resolve, reject) => waiters.push({ upTo, resolve, reject }));
      kick();
      return p;
    },
    /** The final sync, on the caller's thread: the fd is closed right after. */
    close() {
      closed = true;
      fdatasyncSync(fd);
      synced = written;
      settle();
    },
  };
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
  try {
    // One level, not { recursive: true }: that loops forever under /proc (mkdir answers ENOENT
    // with the parent there). The CLI creates the state folder above (cli/state-dir.ts).
    mkdirSync(dirname(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST")
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
  // read in chunks: a 200,000-file journal as one string would sit on top of its state
  const empty = !existsSync(path) || statSync(path).size === 0;
  const state = empty ? emptyState() : replayFile(path);
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
  if (damagedOnOpen > 0 || state.records > 2 * snapshotLength(state) + 1000 || empty) {
    writeAtomically(path, snapshot(state).map(encodeRecord).join(""));
  }
  state.damagedLines = 0;
  const fd = openSync(path, "a");
  const commit = groupCommit(fd, path);
  const timer = setInterval(() => {
    if (commit.dirty) commit.kick();
  }, SYNC_EVERY_MS);
  timer.unref();
  let closed = false;
  return {
    path,
    state,
    damagedOnOpen,
    fresh: empty,
    append(rec) {
      if (closed) return;
      writeSync(fd, encodeRecord(rec));
      commit.wrote();
      applyRecord(state, rec);
    },
    durable: () => commit.durable(),
    get stats() {
      return commit.stats;
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      // A thread-pool fdatasync may still be running: it holds its own reference to the file,
      // so closing the fd here does not cut it short; its result is ignored.
      commit.close();
      closeSync(fd);
      lock.release();
    },
  };
}

/** For status/gc: read without locking or rewriting. */
export function readJournal(path: string): { state: JournalState; damaged: number } {
  let state: JournalState;
  try {
    state = existsSync(path) ? replayFile(path) : emptyState();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FatalError(
      code === "EISDIR"
        ? `journal ${path} is a directory, not a file; move it away or pass another --state-dir`
        : `journal ${path} cannot be read (${code}); fix its permissions or move it away`,
    );
  }
  return { state, damaged: state.damagedLines };
}
