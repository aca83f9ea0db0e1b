// The state folder (journals and their locks), checked before a run leans on it: a folder that
// cannot be used is an environment problem (exit 3) named after where it came from, never an
// "unexpected EACCES". Created one level at a time: Node's mkdirSync({recursive}) loops forever
// at 100% CPU under /proc (mkdir says ENOENT there, the parent exists, and it retries).
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { FatalError } from "../engine/errors.ts";

/** Where the state folder was named: the flag, the environment, or the default. */
export type StateDirOrigin = "--state-dir" | "BGB_STATE_DIR" | "default";

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

/** The problem with using `dir` (creating what is missing when `create`), or undefined. */
function problemWith(dir: string, create: boolean): string | undefined {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) return `${at} is a file, not a folder`;
      break;
    } catch (err) {
      const code = errno(err);
      // ENOTDIR: a file further up; keep climbing to name it
      if (code !== "ENOENT" && code !== "ENOTDIR") return `${at} cannot be read (${code})`;
      missing.unshift(at);
      if (dirname(at) === at) return `${at} does not exist`;
      at = dirname(at);
    }
  }
  try {
    accessSync(at, constants.W_OK | constants.X_OK);
  } catch (err) {
    return `${at} is not writable (${errno(err)})`;
  }
  if (!create) return undefined;
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      if (errno(err) !== "EEXIST") return `cannot create ${d} (${errno(err)})`;
    }
  }
  return undefined;
}

/**
 * Throws a FatalError (exit 3) when the journals folder under `stateDir` cannot be used; with
 * `create` (a run that writes the journal) it is created, else only checked (a dry run).
 */
export function ensureStateDir(
  stateDir: string,
  journalDir: string,
  origin: StateDirOrigin,
  create: boolean,
): void {
  const problem = problemWith(journalDir, create);
  if (!problem) return;
  const named =
    origin === "default"
      ? `the state folder ${stateDir} (the default)`
      : origin === "BGB_STATE_DIR"
        ? `BGB_STATE_DIR ${stateDir}`
        : `--state-dir ${stateDir}`;
  throw new FatalError(
    `${named} cannot hold the journals: ${problem}; pass a writable folder with --state-dir or BGB_STATE_DIR`,
  );
}
