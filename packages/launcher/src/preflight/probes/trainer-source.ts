import { realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "../../process/run-command.ts";
import type { GitFact, TrainerSourceFact } from "../types.ts";

const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

/** The trainer's schema module, which the preflight runs (relative to the checkout). */
export const TRAINER_SCHEMA_FILE = "src/brain_brr/config/schemas.py";

/**
 * `dir` is launch.yaml's trainer.checkout: the git checkout holding the trainer's src/ package.
 * Its commit and dirtiness come from git in that folder, never from an enclosing repository.
 */
export async function probeTrainerSource(
  root: string,
  dir: string,
  signal?: AbortSignal,
): Promise<TrainerSourceFact> {
  const abs = join(root, dir);
  const hasDir = isDir(abs);
  return {
    dir,
    hasDir,
    hasSrc: isDir(join(abs, "src")),
    hasMain: isFile(join(abs, "src", "__main__.py")),
    hasSchema: isFile(join(abs, TRAINER_SCHEMA_FILE)),
    git: hasDir ? await probeCheckoutGit(abs, signal) : { ok: false, message: "no such folder" },
  };
}

async function probeCheckoutGit(abs: string, signal?: AbortSignal): Promise<GitFact> {
  const opts = { cwd: abs, timeoutMs: 15_000, ...(signal ? { signal } : {}) };
  const top = await runCommand(["git", "rev-parse", "--show-toplevel", "HEAD"], opts);
  if (top.spawnError) return { ok: false, message: `git is not installed (${top.spawnError})` };
  if (top.code !== 0) {
    return { ok: false, message: top.stderr.trim().split("\n")[0] || "not a git checkout" };
  }
  const [toplevel = "", sha = ""] = top.stdout.trim().split("\n");
  // A plain copy inside this project would otherwise report the project's own commit.
  if (realpathSync(toplevel) !== realpathSync(abs)) {
    return {
      ok: false,
      message: "not a git checkout of its own (it lies inside another repository)",
    };
  }
  const status = await runCommand(["git", "status", "--porcelain=v1"], opts);
  if (status.code !== 0) return { ok: false, message: "git status failed" };
  const changed = status.stdout.split("\n").filter((l) => l.trim()).length;
  return { ok: true, sha: sha.trim(), dirty: changed > 0, changed };
}
