// Installs the pinned versitygw once into a tools folder outside git; later calls reuse it.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const VERSITYGW_VERSION = "v1.8.0";
const MODULE = "github.com/versity/versitygw/cmd/versitygw";

/** Folder for tools the project builds itself (not in git). Override with BGB_TOOLS_DIR. */
export function toolsDir(): string {
  return process.env.BGB_TOOLS_DIR ?? join(homedir(), ".cache", "bgb-tools");
}

export function versitygwPath(): string {
  return join(toolsDir(), `versitygw-${VERSITYGW_VERSION}`, "versitygw");
}

/** Returns the binary path, building it with `go install` when it is not cached yet. */
export async function ensureVersitygw(): Promise<string> {
  const target = versitygwPath();
  if (existsSync(target)) return target;
  const finalDir = join(toolsDir(), `versitygw-${VERSITYGW_VERSION}`);
  mkdirSync(toolsDir(), { recursive: true });
  // Build into a private folder and rename, so concurrent test runs never see half a binary.
  const scratch = mkdtempSync(join(toolsDir(), ".build-"));
  try {
    await run("go", ["install", `${MODULE}@${VERSITYGW_VERSION}`], {
      env: { ...process.env, GOBIN: scratch, CGO_ENABLED: "0" },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    const detail = (err as { stderr?: string }).stderr?.trim().split("\n").slice(-3).join(" | ");
    throw new Error(
      `could not build versitygw ${VERSITYGW_VERSION} with go install: ${detail ?? String(err)}`,
    );
  }
  if (!existsSync(target)) {
    try {
      renameSync(scratch, finalDir);
    } catch {
      // Another process won the race; its binary is as good as ours.
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  return target;
}
