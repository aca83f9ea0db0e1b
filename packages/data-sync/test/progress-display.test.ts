// What a person sees without --json: a live display on a terminal, plain lines otherwise.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { MiB, newBucket, pkgDir, runCli, s3, tempDir, withTestDatasets } from "./support.ts";

function dataset(): string {
  const src = tempDir("progress");
  for (let i = 0; i < 6; i++) writeFileSync(join(src, `f${i}.edf`), Buffer.alloc(6 * MiB, i));
  return src;
}

const args = (src: string, bucket: string) => [
  "tuh",
  "--source",
  src,
  "--include",
  "**",
  "--bucket",
  bucket,
  "--prefix",
  "ds/",
  "--state-dir",
  tempDir("state"),
  "--bwlimit",
  "12MiB",
  "--progress-interval",
  "1",
];

test("not on a terminal: a plain status line every interval, then the summary", async () => {
  const r = await runCli("sync", args(dataset(), await newBucket()));
  expect(r.code).toBe(0);
  const status = r.stdout
    .split("\n")
    .filter((l) => /MiB \/ 36\.0 MiB \(\d+%\) .*\/s {2}ETA \S+ {2}files \d+\/6/.test(l));
  expect(status.length).toBeGreaterThan(0);
  expect(r.stdout).not.toContain("\x1b["); // no cursor movement into a file or pipe
  expect(r.stdout).toMatch(/done: 6 uploaded, 0 unchanged, 0 failed of 6 files; sent 36\.0 MiB/);
});

test("on a terminal: a live display redrawn in place, with the files in flight", async () => {
  const src = dataset();
  const bucket = await newBucket();
  // util-linux `script` gives the CLI a real pseudo-terminal and records what it drew.
  const cmd = [
    process.execPath,
    "--import",
    "tsx",
    join(pkgDir, "src/bin/sync.ts"),
    ...withTestDatasets("sync", args(src, bucket)),
  ]
    .map((a) => `'${a}'`)
    .join(" ");
  const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
      cwd: pkgDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TERM: "xterm",
        COLUMNS: "120",
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_REGION: s3.region,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
    });
    child.on("close", (code) => resolve({ code, text }));
  });
  expect(out.code).toBe(0);
  const esc = String.fromCharCode(27);
  expect(out.text).toMatch(new RegExp(`${esc}\\[\\d+A${esc}\\[0J`)); // cursor up + clear: redrawn in place
  expect(out.text).toMatch(/ETA \S+ {2}files \d+\/6/);
  expect(out.text).toMatch(/\d+% +6\.00 MiB {2}f\d\.edf/); // a file in flight with its progress
  expect(out.text).toMatch(/done: 6 uploaded/);
});
