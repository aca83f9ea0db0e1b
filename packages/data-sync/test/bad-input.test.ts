// Every bad input gets one clear line naming what is wrong and the documented exit code.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { cleanup, newBucket, runCli, s3, targetArgs, tempDir } from "./support.ts";

let src: string;
let state: string;
let bucket: string;
beforeAll(async () => {
  src = tempDir("bad");
  state = tempDir("state");
  mkdirSync(join(src, "edf"));
  writeFileSync(join(src, "edf", "a.edf"), "0       header");
  bucket = await newBucket();
});
afterAll(() => cleanup(src, state));

const base = (extra: string[]) => [...targetArgs("tuh", src, bucket, state), ...extra];

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

test.each([
  [
    "unknown dataset",
    ["nope", "--state-dir", "x"],
    2,
    /unknown dataset "nope" .*known: tuh, chbmit/,
  ],
  [
    "invalid --concurrency",
    base(["--concurrency", "0"]),
    2,
    /--concurrency: "0" must be a whole number from 1 to 256/,
  ],
  ["invalid --part-size", base(["--part-size", "lots"]), 2, /--part-size: "lots" is not a size/],
  [
    "part size below S3's minimum",
    base(["--part-size", "1MiB"]),
    2,
    /--part-size: 1MiB is outside S3's 5MiB..5GiB/,
  ],
  [
    "--max-memory too small for one part",
    base(["--max-memory", "64MiB"]),
    2,
    /--max-memory 64MiB leaves no room/,
  ],
  [
    "a prefix without a trailing slash",
    base(["--prefix", "tuh"]),
    2,
    /--prefix: prefix "tuh" must end with "\/"/,
  ],
  ["an unknown flag", base(["--colour"]), 2, /unknown option '--colour'/],
  [
    "a bad endpoint",
    base(["--endpoint", "ftp://x"]),
    2,
    /--endpoint: "ftp:\/\/x" must start with http/,
  ],
])("%s", async (_name, args, code, message) => {
  const r = await runCli("sync", args as string[]);
  expect(r.code).toBe(code);
  expect(oneLine(r.stderr)).toMatch(message as RegExp);
});

test("missing source -> exit 3", async () => {
  const r = await runCli("sync", base(["--source", join(src, "missing")]));
  expect(r.code).toBe(3);
  expect(oneLine(r.stderr)).toMatch(
    /source .*missing does not exist; fix "source" in the dataset config or pass --source/,
  );
});

test("empty source -> exit 2", async () => {
  const empty = tempDir("empty");
  const r = await runCli("sync", base(["--source", empty]));
  expect(r.code).toBe(2);
  expect(oneLine(r.stderr)).toMatch(/holds no files that match include\/exclude/);
  cleanup(empty);
});

test("bucket missing -> exit 3", async () => {
  const r = await runCli("sync", base(["--bucket", "no-such-bucket-here"]));
  expect(r.code).toBe(3);
  expect(oneLine(r.stderr)).toMatch(
    /bucket "no-such-bucket-here" does not exist at http:\/\/127\.0\.0\.1:\d+; create it or fix --bucket/,
  );
});

test("bad credentials -> exit 3, and the secret is never printed", async () => {
  const r = await runCli("sync", base([]), {
    env: { AWS_SECRET_ACCESS_KEY: "wrong-secret-value" },
  });
  expect(r.code).toBe(3);
  expect(oneLine(r.stderr)).toMatch(/access denied to bucket .* check the credentials/);
  expect(r.stderr + r.stdout).not.toContain("wrong-secret-value");
  expect(r.stderr + r.stdout).not.toContain(s3.secretAccessKey);
});

test("an unknown access key is access denied (as the launcher says), not a missing bucket", async () => {
  // versitygw answers an unknown key with 404 XAdminUserNotFound; to a HEAD, a bare 404
  const r = await runCli("sync", base([]), { env: { AWS_ACCESS_KEY_ID: "nobody-here" } });
  expect(r.code).toBe(3);
  expect(oneLine(r.stderr)).toMatch(
    /access denied to bucket .* \(XAdminUserNotFound\): check the credentials/,
  );
});

test("a key over 1,024 bytes counting the real prefix is refused; the others go on, exit 1", async () => {
  // 973 bytes of path: fine alone (what the sources checked before), 1,073 with the prefix
  const dir = tempDir("longkey");
  const deep = join(dir, "edf", ..."abcd".split("").map((c) => c.repeat(240)));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, "x.edf"), "0       long");
  writeFileSync(join(dir, "edf", "ok.edf"), "0       short");
  const prefix = `${"p".repeat(99)}/`;
  const r = await runCli("sync", [...targetArgs("tuh", dir, bucket, state), "--prefix", prefix]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /failed: edf\/a{240}\/.*x\.edf: refused: key .* is 1073 bytes, S3 allows 1024/,
  );
  expect(r.stdout).toMatch(/1 failed/);
  cleanup(dir);
});

test("unreachable endpoint -> exit 3", async () => {
  const r = await runCli("sync", base(["--endpoint", "http://127.0.0.1:9"]));
  expect(r.code).toBe(3);
  expect(oneLine(r.stderr)).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9 .*check --endpoint/);
});

test("an unreadable entry is reported, the others go on, exit 1", async () => {
  const dir = tempDir("partial");
  mkdirSync(join(dir, "edf"));
  writeFileSync(join(dir, "edf", "ok.edf"), "fine");
  symlinkSync("/etc/hostname", join(dir, "edf", "outside.edf"));
  symlinkSync(join(dir, "nowhere"), join(dir, "edf", "broken.edf"));
  const r = await runCli("sync", base(["--source", dir, "--json"]));
  expect(r.code).toBe(1);
  expect(r.summary).toMatchObject({ files_uploaded: 1, files_failed: 2, exit_code: 1 });
  const failed = r.events
    .filter((e) => e.event === "file_failed")
    .map((e) => `${e.key}: ${e.error}`);
  expect(failed.join("\n")).toMatch(/outside\.edf: refused: symlink points outside the source/);
  expect(failed.join("\n")).toMatch(/broken\.edf: broken symlink/);
  cleanup(dir);
});

test("no credentials anywhere -> exit 3 with how to provide them", async () => {
  const home = tempDir("home");
  const r = await runCli("sync", base([]), {
    env: {
      HOME: home,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      // keep the credential chain off the network: no instance metadata lookups from a test
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: join(home, "none"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
    },
  });
  expect(r.code).toBe(3);
  expect(oneLine(r.stderr)).toMatch(
    /no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID/,
  );
  cleanup(home);
});
