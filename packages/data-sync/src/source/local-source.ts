// A dataset tree on local disk.
import {
  accessSync,
  type BigIntStats,
  constants,
  type Dirent,
  promises as fsp,
  readdirSync,
  statSync,
} from "node:fs";
import { join, relative, sep } from "node:path";
import { FatalError } from "../engine/errors.ts";
import type { FileIdentity } from "../engine/journal/records.ts";
import { checkRelPath } from "../engine/keys.ts";
import type { OpenedFile, Source, SourceEntry, SourceListing } from "../engine/source.ts";

/**
 * Size, nanosecond mtime and inode. Not the device number: it changes when a disk is remounted
 * (USB, another machine), and with it every file would look new. Not ctime either: the OS sets
 * it on every chmod and backup-tool touch; an edit that restores mtime is what --verify-remote is for.
 */
function identityOf(st: { size: bigint; mtimeNs: bigint; ino: bigint }): FileIdentity {
  return { size: Number(st.size), mtime: st.mtimeNs.toString(), id: `${st.ino}` };
}

const YIELD_EVERY = 2000;
// the ids open() is checked with
const uid = process.geteuid?.();
const gids = new Set([process.getegid?.(), ...(process.getgroups?.() ?? [])]);

/**
 * The mode bits say we may read it: spares an access() per file. Anything else (and an ACL that
 * denies what the bits allow, which then fails at open) is asked of the kernel.
 */
function plainlyReadable(st: BigIntStats): boolean {
  const mode = Number(st.mode);
  if (uid === undefined) return false;
  if (Number(st.uid) === uid) return (mode & 0o400) !== 0;
  if (gids.has(Number(st.gid))) return (mode & 0o040) !== 0;
  return (mode & 0o004) !== 0;
}

export async function localSource(root: string): Promise<Source> {
  let realRoot: string;
  try {
    realRoot = await fsp.realpath(root);
    const st = await fsp.stat(realRoot);
    if (!st.isDirectory()) throw new FatalError(`source ${root} is not a directory`);
    await fsp.access(realRoot, constants.R_OK | constants.X_OK);
  } catch (err) {
    if (err instanceof FatalError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new FatalError(
      code === "ENOENT"
        ? `source ${root} does not exist; fix "source" in the dataset config or pass --source`
        : `source ${root} is not readable (${code}); check its permissions`,
    );
  }
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + sep);

  async function list(filter: (rel: string) => boolean): Promise<SourceListing> {
    const out: SourceListing = { entries: [], problems: [] };
    // Real paths of every folder walked. Folders reached through symlinks are walked last and
    // only if not seen yet, so a loop (or a link to a folder inside the tree) adds no copy.
    const seenDirs = new Set<string>([realRoot]);
    const linkedDirs: { target: string; rel: string }[] = [];
    // The walk's calls are synchronous: through fs.promises each one was a round trip to the
    // thread pool, and at 100,000 files those trips were most of a no-op re-sync (issue 12).
    // Nothing else runs during the walk; it yields every YIELD_EVERY files so a signal is heard.
    let sinceYield = 0;
    const walk = async (dir: string, relDir: string): Promise<void> => {
      let items: Dirent[];
      try {
        items = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        out.problems.push({
          relPath: relDir || ".",
          message: `cannot list folder (${(err as NodeJS.ErrnoException).code})`,
        });
        return;
      }
      items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const d of items) {
        const abs = dir === sep ? dir + d.name : dir + sep + d.name; // real paths: no join needed
        const rel = relDir ? `${relDir}/${d.name}` : d.name;
        let isDir = d.isDirectory();
        let isFile = d.isFile();
        if (d.isSymbolicLink()) {
          let target: string;
          try {
            target = await fsp.realpath(abs);
          } catch {
            out.problems.push({ relPath: rel, message: "broken symlink" });
            continue;
          }
          if (!inside(target)) {
            out.problems.push({
              relPath: rel,
              message: `refused: symlink points outside the source (${target})`,
            });
            continue;
          }
          const st = await fsp.stat(target);
          if (st.isDirectory()) {
            linkedDirs.push({ target, rel });
            continue;
          }
          isDir = false;
          isFile = st.isFile();
        }
        if (isDir) {
          seenDirs.add(abs); // abs is a real path: only symlinks were resolved on the way
          await walk(abs, rel);
          continue;
        }
        if (!isFile) continue; // sockets, fifos, devices: not data
        if (!filter(rel)) continue;
        const key = checkRelPath(rel);
        if (!key.ok) {
          out.problems.push({ relPath: rel, message: `refused: ${key.why}` });
          continue;
        }
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await new Promise<void>((r) => setImmediate(r));
        }
        try {
          const st = statSync(abs, { bigint: true });
          if (!plainlyReadable(st)) accessSync(abs, constants.R_OK);
          // One plain literal per file (a spread built a bigger object): 200,000 are kept.
          const entry: SourceEntry = {
            relPath: key.rel,
            size: Number(st.size),
            mtime: st.mtimeNs.toString(),
            id: `${st.ino}`,
          };
          if (key.rel !== rel) entry.sourcePath = rel;
          out.entries.push(entry);
        } catch (err) {
          out.problems.push({
            relPath: rel,
            message: `cannot read (${(err as NodeJS.ErrnoException).code})`,
          });
        }
      }
    };
    await walk(realRoot, "");
    for (let next = linkedDirs.shift(); next; next = linkedDirs.shift()) {
      if (seenDirs.has(next.target)) continue; // a loop, or a folder reached twice
      seenDirs.add(next.target);
      await walk(next.target, next.rel);
    }
    return out;
  }

  async function open(entry: SourceEntry): Promise<OpenedFile> {
    // The name the walk found, not one rebuilt from the normalised key (NFD names exist).
    const name = entry.sourcePath ?? entry.relPath;
    const abs = join(realRoot, ...name.split("/"));
    if (!inside(abs) || relative(realRoot, abs).startsWith("..")) {
      throw new FatalError(`refused: ${name} escapes the source`);
    }
    // O_NONBLOCK: a name replaced by a FIFO since the walk would block open() forever (beyond
    // SIGTERM); regular files read the same with it. What is no longer a regular file is refused.
    const fh = await fsp.open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
    // One fstat serves both the regular-file check and the first identity() (issue 12: three
    // fstats per small file were a measurable share of its CPU); later calls stat afresh.
    let atOpen: BigIntStats | undefined;
    try {
      atOpen = await fh.stat({ bigint: true });
    } catch (err) {
      await fh.close();
      throw err;
    }
    if (!atOpen.isFile()) {
      await fh.close();
      throw new Error(
        `${name} is no longer a regular file (now a FIFO, device or folder): refused; nothing was sent`,
      );
    }
    return {
      async read(start, end, into) {
        const buf = into ?? Buffer.allocUnsafe(end - start);
        let off = 0;
        while (off < buf.length) {
          const { bytesRead } = await fh.read(buf, off, buf.length - off, start + off);
          if (bytesRead === 0) throw new Error(`${entry.relPath} shrank while reading`);
          off += bytesRead;
        }
        return buf;
      },
      async identity() {
        const st = atOpen ?? (await fh.stat({ bigint: true }));
        atOpen = undefined;
        return identityOf(st);
      },
      close: () => fh.close(),
    };
  }

  return { label: realRoot, list, open };
}
