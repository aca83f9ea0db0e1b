import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Walks up from `from` (default: cwd) to the folder holding pnpm-workspace.yaml. */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no pnpm-workspace.yaml above ${resolve(from)}`);
    dir = up;
  }
}
