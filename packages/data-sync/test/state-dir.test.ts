// An unusable state folder (issue 15.3) is an environment problem: exit 3, one line naming
// --state-dir or BGB_STATE_DIR and the fix, never "unexpected: EACCES" with exit 1. Under /proc,
// Node's recursive mkdir looped forever at 100% CPU: the run must end (this test would time out).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { bucketOnly, newBucket, runCli, syncArgs, targetArgs, tempDir } from "./support.ts";

let src: string;
let bucket: string;
let aFile: string;
beforeAll(async () => {
  src = tempDir("sd-src");
  writeFileSync(join(src, "x.edf"), "x");
  aFile = join(tempDir("sd-file"), "not-a-folder");
  writeFileSync(aFile, "");
  bucket = await newBucket();
});

const fix = "; pass a writable folder with --state-dir or BGB_STATE_DIR";

describe.concurrent("an unusable state folder: exit 3, one line naming where it came from", () => {
  test("--state-dir under /proc (mkdir there is ENOENT; no 100% CPU loop)", async () => {
    const r = await runCli("sync", targetArgs("tuh", src, bucket, "/proc/bgb-state"));
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `error: --state-dir /proc/bgb-state cannot hold the journals: cannot create /proc/bgb-state (ENOENT)${fix}\n`,
    );
  });

  test("--state-dir is a file", async () => {
    const r = await runCli("sync", targetArgs("tuh", src, bucket, aFile));
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `error: --state-dir ${aFile} cannot hold the journals: ${aFile} is a file, not a folder${fix}\n`,
    );
  });

  test("BGB_STATE_DIR below a file, --json: one error event", async () => {
    const args = syncArgs("tuh", src, bucket, "unused").filter(
      (a, i, all) => a !== "--state-dir" && all[i - 1] !== "--state-dir",
    );
    const r = await runCli("sync", args, { env: { BGB_STATE_DIR: join(aFile, "state") } });
    expect(r.code).toBe(3);
    expect(r.events).toEqual([
      {
        event: "error",
        message: `BGB_STATE_DIR ${join(aFile, "state")} cannot hold the journals: ${aFile} is a file, not a folder${fix}`,
        exit_code: 3,
      },
    ]);
  });

  test("gc under /proc, too", async () => {
    const r = await runCli("data-sync", [
      "gc",
      ...bucketOnly(targetArgs("tuh", src, bucket, "/proc/bgb-state")),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: --state-dir \/proc\/bgb-state cannot hold the journals: /);
  });
});
