// The demo drives the real CLIs as child processes, exactly as a user would type them: the
// built bins (`pnpm demo` builds them first, through turbo's cache).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
function binOf(name: "sync" | "data-sync"): string {
  const bin = fileURLToPath(new URL(`../dist/${name}.js`, import.meta.url));
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm build (pnpm demo does)`);
  return bin;
}

export interface Child {
  proc: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The child currently running, so Ctrl-C on the demo can stop it too. */
let current: ChildProcess | undefined;

export function stopCurrent(signal: NodeJS.Signals): void {
  current?.kill(signal);
}

export function runCli(
  name: "sync" | "data-sync",
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { json: boolean; onEvent?: (e: Record<string, unknown>) => void },
): Child {
  const proc = spawn(process.execPath, [binOf(name), ...args], {
    cwd: repoRoot,
    env,
    // Live display: the child writes straight to our terminal. JSON: we read it line by line.
    stdio: ["ignore", opts.json ? "pipe" : "inherit", "inherit"],
  });
  current = proc;
  if (opts.json && proc.stdout) {
    createInterface({ input: proc.stdout }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      try {
        opts.onEvent?.(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not ours to judge: the summary check below fails if the output is broken
      }
    });
  }
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("close", (code, signal) => {
      if (current === proc) current = undefined;
      resolve({ code, signal });
    }),
  );
  return { proc, done };
}
