import { type ChildProcess, spawn } from "node:child_process";
import { BIN, tsxLoader } from "./paths.ts";

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm launch ...` the way the root script does: node --import tsx <bin>. */
export function startBin(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): { child: ChildProcess; done: Promise<BinResult>; stderrSoFar: () => string } {
  const child = spawn(process.execPath, ["--import", tsxLoader(), BIN, ...args], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b) => {
    stdout += b;
  });
  child.stderr?.on("data", (b) => {
    stderr += b;
  });
  const done = new Promise<BinResult>((resolve) => {
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done, stderrSoFar: () => stderr };
}

export function runBin(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<BinResult> {
  return startBin(args, opts).done;
}

export async function waitFor(cond: () => boolean, timeoutMs = 20_000, what = "condition") {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
