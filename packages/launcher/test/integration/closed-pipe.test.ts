// `bgb-launch --help | head -1`: the reader closes the pipe early; the CLI must exit as usual,
// without an EPIPE stack trace (it printed one before).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const pkgDir = fileURLToPath(new URL("../..", import.meta.url));

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
  ["launch", ["--help"]],
  ["launch validate", ["validate", "--help"]],
])("%s --help into a closed pipe: exit 0, nothing on stderr", async (_name, args) => {
  const r = await helpIntoClosedPipe("src/bin/launch.ts", args);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
});
