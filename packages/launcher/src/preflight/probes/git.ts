import { runCommand } from "../../process/run-command.ts";
import type { GitFact } from "../types.ts";

export async function probeGit(root: string, signal?: AbortSignal): Promise<GitFact> {
  const opts = { cwd: root, timeoutMs: 15_000, ...(signal ? { signal } : {}) };
  const head = await runCommand(["git", "rev-parse", "HEAD"], opts);
  if (head.spawnError) return { ok: false, message: `git is not installed (${head.spawnError})` };
  if (head.code !== 0) {
    return { ok: false, message: head.stderr.trim().split("\n")[0] || "not a git repository" };
  }
  const status = await runCommand(["git", "status", "--porcelain=v1"], opts);
  if (status.code !== 0) return { ok: false, message: "git status failed" };
  const changed = status.stdout.split("\n").filter((l) => l.trim()).length;
  return { ok: true, sha: head.stdout.trim(), dirty: changed > 0, changed };
}
