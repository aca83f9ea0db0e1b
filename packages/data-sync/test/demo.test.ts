// `pnpm demo` end to end, smaller: its own local S3, a kill part-way, a resume, a verify.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

function runDemo(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "packages/data-sync/demo/demo.ts", ...args],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("close", (code) => resolve({ code, out }));
  });
}

const field = (out: string, re: RegExp): number => {
  const m = re.exec(out);
  if (!m) throw new Error(`no ${re} in the demo output:\n${out}`);
  return Number(m[1]);
};

test("the demo kills a sync part-way, resumes it without re-sending, and verifies", async () => {
  const { code, out } = await runDemo(["--size", "60MiB"]);
  expect(code, out).toBe(0);
  const total = field(out, /^dataset: .*\((\d+) bytes\)/m);
  const atKill = field(out, /^first sync: +killed with SIGKILL .*; (\d+) bytes/m);
  const resumed = field(out, /^resume: +sent (\d+) bytes/m);
  expect(total).toBeGreaterThan(59 * 1024 * 1024);
  expect(atKill).toBeGreaterThan(0);
  expect(resumed).toBeLessThan(total);
  // the resume sends what was missing, and at most a few files finished but not journaled again
  expect(resumed).toBeGreaterThanOrEqual(total - atKill);
  expect(out).toMatch(/^verify: +ok: (\d+)\/\1 objects match the manifest/m);
  expect(out).toMatch(/^dataset version: +[0-9a-f]{64}$/m);
  expect(out).toMatch(/^open uploads: +0 left/m);
  expect(out).not.toMatch(/FAILED/);
});

test("--help explains the demo; a bad flag is exit 2", async () => {
  const help = await runDemo(["--help"]);
  expect(help.code).toBe(0);
  expect(help.out).toMatch(/kills the sync \(SIGKILL\) part-way, resumes it/);
  const bad = await runDemo(["--size", "lots"]);
  expect(bad.code).toBe(2);
  expect(bad.out).toMatch(/--size/);
});
