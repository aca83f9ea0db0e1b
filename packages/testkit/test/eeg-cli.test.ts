import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";

const bin = resolve(import.meta.dirname, "../src/bin/gen-eeg.ts");
let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "eeg-cli-"));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function gen(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", bin, ...args], (err, stdout, stderr) => {
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

test("generates a tree and prints one summary line", async () => {
  const out = join(base, "tusz");
  const r = await gen(
    "tusz",
    "--out",
    out,
    "--seed",
    "3",
    "--patients",
    "4",
    "--files",
    "6",
    "--min-size",
    "4KiB",
    "--max-size",
    "64KiB",
  );
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stdout).toMatch(/^tusz: 6 EDF, 12 files, .* \(train=\d+ dev=\d+ eval=\d+\) in /);
  expect(await readdir(join(out, "edf"))).toEqual(expect.arrayContaining(["train", "dev", "eval"]));
  // A second run into the same directory needs --force.
  expect((await gen("tusz", "--out", out)).code).toBe(2);
  const forced = await gen(
    "chbmit",
    "--out",
    out,
    "--force",
    "--sizes",
    "20KiB,40KiB",
    "--files",
    "2",
    "--patients",
    "1",
  );
  expect(forced.stdout).toMatch(/^chbmit: 2 EDF, .*\(all=2\)/);
});

test("--help prints usage and exits 0", async () => {
  const r = await gen("--help");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^usage: gen-eeg tusz\|chbmit --out DIR/);
});

// "X" stands for a fresh directory; none of these may get as far as writing to it.
test.each([
  [["tusz"], /--out DIR is required/],
  [["nope", "--out", "X"], /unknown dataset kind "nope"/],
  [["tusz", "--out", "X", "--bogus"], /Unknown option '--bogus'/],
  [["tusz", "--out", "X", "--min-size", "3QB"], /--min-size: invalid size "3QB"/],
  [
    ["tusz", "--out", "X", "--min-size", "1MiB", "--max-size", "4KiB"],
    /--max-size .* below --min-size/,
  ],
  [["tusz", "--out", "X", "--patients", "0"], /--patients must be an integer >= 1/],
  [
    ["tusz", "--out", "X", "--patients", "5", "--files", "2"],
    /--files \(2\) must be >= --patients \(5\)/,
  ],
  [["chbmit", "--out", "X", "--seed"], /argument missing/],
])("bad flags %j: one error line, exit 2", async (args, message) => {
  const r = await gen(...args.map((a) => (a === "X" ? join(base, "never") : a)));
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(message);
});
