// The CLI boundary. `bgb-sync --help | head -1`: the reader closes the pipe early; the CLI must
// exit as usual, without an EPIPE stack trace (it printed one before). And the exit codes it
// documents are the project's one table (@bgb/shared), the launcher's too.
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { exitCodesHelp } from "@bgb/shared";
import { expect, test } from "vitest";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));

function helpIntoClosedPipe(
  bin: string,
  args: string[],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", bin, ...args], {
      cwd: pkgDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy(); // the reader is gone before the first byte: every write is EPIPE
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

test.each([
  ["sync", "src/bin/sync.ts"],
  ["data-sync", "src/bin/data-sync.ts"],
])("%s --help into a closed pipe: exit 0, nothing on stderr", async (_name, bin) => {
  const r = await helpIntoClosedPipe(bin, ["--help"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
});

test.each([["src/bin/sync.ts"], ["src/bin/data-sync.ts"]])(
  "%s --help documents the shared exit table",
  (bin) => {
    const help = execFileSync(process.execPath, ["--import", "tsx", bin, "--help"], {
      cwd: pkgDir,
      encoding: "utf8",
    });
    expect(help).toContain(exitCodesHelp());
  },
);
