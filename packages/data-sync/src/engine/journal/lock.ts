// One sync (or gc) per journal at a time. The lock file holds the holder's pid and appears with
// its content at once (written aside, then hard-linked into place), so nobody reads it half-made.
// A lock whose holder is dead is taken over under a guard named after the lock file's inode:
// only the process that created the guard may delete that lock, and it checks again that it is
// the same file with a dead holder first, so a fresh lock is never deleted by a slow racer.
import {
  closeSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { FatalError } from "../errors.ts";

export interface HeldLock {
  /** the dead holder's pid when a stale lock (left by kill -9) was taken over */
  tookOverFrom?: number;
  release(): void;
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** The lock's holder and inode, or undefined when there is no lock file. */
function holderOf(
  path: string,
): { pid: number | undefined; ino: number; ageMs: number } | undefined {
  for (;;) {
    try {
      const st = lstatSync(path);
      const text = readFileSync(path, "utf8");
      if (lstatSync(path).ino !== st.ino) continue; // replaced between stat and read
      const pid = /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
      return { pid, ino: st.ino, ageMs: Date.now() - st.mtimeMs };
    } catch (err) {
      if (errno(err) === "ENOENT") return undefined;
      throw err;
    }
  }
}

function alive(pid: number | undefined): boolean {
  // Our own pid in a lock is a previous life of this pid (containers reuse low pids).
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) === "EPERM"; // exists, another user's
  }
}

/** Creates `path` holding `text`, atomically; false when it exists. */
function createWith(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const fd = openSync(tmp, "wx");
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (errno(err) === "EEXIST") return false;
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(errno(err) ?? "")) throw err;
    // A file system without hard links: exclusive create, content right after.
    try {
      const fd2 = openSync(path, "wx");
      writeSync(fd2, text);
      closeSync(fd2);
      return true;
    } catch (err2) {
      if (errno(err2) === "EEXIST") return false;
      throw err2;
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // gone already
    }
  }
}

/** Deletes `path` if its holder is dead and nobody else is taking it over; true when it is gone. */
function removeIfStale(path: string, depth: number): boolean {
  const seen = holderOf(path);
  if (!seen) return true;
  if (alive(seen.pid) || (seen.pid === undefined && seen.ageMs < 5000)) return false;
  const guard = `${path}.takeover-${seen.ino}`;
  if (!createWith(guard, String(process.pid))) {
    // A taker killed inside its takeover leaves its guard: that guard is stale the same way.
    if (depth >= 2 || !removeIfStale(guard, depth + 1)) return false;
    if (!createWith(guard, String(process.pid))) return false;
  }
  try {
    const now = holderOf(path);
    if (!now) return true;
    if (now.ino !== seen.ino || alive(now.pid)) return false; // someone got there first
    unlinkSync(path);
    return true;
  } catch (err) {
    if (errno(err) === "ENOENT") return true;
    throw err;
  } finally {
    try {
      unlinkSync(guard);
    } catch {
      // gone already
    }
  }
}

export function acquireLock(lockPath: string, what: string): HeldLock {
  let tookOverFrom: number | undefined;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (createWith(lockPath, String(process.pid))) {
      const ino = lstatSync(lockPath).ino;
      return {
        ...(tookOverFrom !== undefined ? { tookOverFrom } : {}),
        release() {
          const h = holderOf(lockPath);
          if (h && h.ino === ino) unlinkSync(lockPath);
        },
      };
    }
    const h = holderOf(lockPath);
    if (!h) continue;
    if (alive(h.pid) || (h.pid === undefined && h.ageMs < 5000)) {
      throw new FatalError(
        `another sync (pid ${h.pid ?? "starting"}) is using ${what}; wait for it or stop it`,
      );
    }
    if (removeIfStale(lockPath, 0)) tookOverFrom = h.pid;
    else pause(1 + Math.random() * 4);
  }
  throw new FatalError(`could not take the lock ${lockPath}: it keeps changing hands; try again`);
}
