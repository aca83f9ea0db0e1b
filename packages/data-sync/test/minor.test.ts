// Issue 14, minor items: each fixed here has a test that failed before its fix.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { startFaultProxy } from "@bgb/testkit";
import { expect, test } from "vitest";
import { emptyState } from "../src/engine/journal/state.ts";
import { planFile } from "../src/engine/plan.ts";
import { sameIdentity } from "../src/engine/source.ts";
import { localSource } from "../src/source/local-source.ts";
import { expectBucketMatches, MiB, newBucket, runCli, s3, syncArgs, tempDir } from "./support.ts";

test("a directory symlink loop, or a link to a folder already in the tree, adds no copy of it", async () => {
  const src = tempDir("loop");
  mkdirSync(join(src, "d"));
  writeFileSync(join(src, "d", "x.edf"), "x");
  writeFileSync(join(src, "top.edf"), "t");
  symlinkSync("..", join(src, "d", "loop")); // d/loop -> the root
  symlinkSync("d", join(src, "a-alias")); // sorts before d
  const listing = await (await localSource(src)).list(() => true);
  expect(listing.entries.map((e) => e.relPath).sort()).toEqual(["d/x.edf", "top.edf"]);
  expect(listing.problems).toEqual([]);
});

test("file identity is inode + size + mtime, not the device (a remounted disk is not re-sent); old journals still match", async () => {
  const src = tempDir("ident");
  writeFileSync(join(src, "a.edf"), "a");
  const [entry] = (await (await localSource(src)).list(() => true)).entries;
  expect(entry?.id).toMatch(/^\d+$/);
  const old = { size: 1, mtime: "5", id: "2049:1234" };
  expect(sameIdentity(old, { size: 1, mtime: "5", id: "1234" })).toBe(true);
  expect(sameIdentity(old, { size: 1, mtime: "5", id: "1235" })).toBe(false);
  expect(sameIdentity(old, { size: 1, mtime: "6", id: "1234" })).toBe(false);
});

test("a password in an https source URL is refused without being printed", async () => {
  const r = await runCli("sync", [
    ...syncArgs(
      "tuh",
      "https://alice:s3cret-pw-canary@example.org/eeg/",
      "b-unused",
      tempDir("state"),
    ),
  ]);
  expect(r.code).toBe(2);
  expect(r.stdout + r.stderr).toMatch(
    /https:\/\/\*\*\*@example\.org\/eeg\/: a user name or password in the URL is not supported/,
  );
  expect(r.stdout + r.stderr).not.toContain("s3cret-pw-canary");
  expect(r.stdout + r.stderr).not.toContain("alice");
});

test("a relative --source resolves against the directory the command was typed in (pnpm's INIT_CWD)", async () => {
  const src = tempDir("relsrc");
  writeFileSync(join(src, "a.edf"), "a");
  const bucket = await newBucket();
  const r = await runCli(
    "sync",
    syncArgs("tuh", basename(src), bucket, tempDir("state"), ["--include", "**"]),
    { env: { INIT_CWD: dirname(src) } },
  );
  expect(r.stdout + r.stderr).not.toMatch(/does not exist/);
  expect(r.code).toBe(0);
  expect(r.summary?.files_uploaded).toBe(1);
});

test.each([
  ["never answers (the socket timeout alone would wait an hour)", { kind: "stall" }, "3600"],
  [
    "trickles one byte every 200 ms (the socket is never idle)",
    { kind: "trickle", intervalMs: 200 },
    "2",
  ],
] as const)(
  "--stall-timeout stops a run whose server %s; the next run completes",
  async (_, action, requestTimeout) => {
    const src = tempDir("stall");
    writeFileSync(join(src, "big.edf"), Buffer.alloc(11 * MiB, 9));
    const bucket = await newBucket();
    const state = tempDir("state");
    const args = syncArgs("tuh", src, bucket, state, ["--include", "**", "--part-size", "5MiB"]);
    const proxy = await startFaultProxy({ upstream: s3.endpoint });
    try {
      proxy.setRules([{ match: { op: "UploadPart" }, action }]);
      const r = await runCli(
        "sync",
        [...args, "--request-timeout", requestTimeout, "--stall-timeout", "3"],
        {
          endpoint: proxy.endpoint,
        },
      );
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(
        /completed for \d+ s \(--stall-timeout\).*run the same command again/,
      );
      proxy.setRules([]);
      const again = await runCli("sync", args, { endpoint: proxy.endpoint });
      expect(again.code).toBe(0);
    } finally {
      await proxy.stop();
    }
    await expectBucketMatches(bucket, "ds/", src);
  },
);

test("a file with the same size and mtime on another inode (copied disk) is checked against the bucket, not re-sent", () => {
  const state = emptyState();
  state.done.set("a.edf", { size: 10, mtime: "123", id: "77", sha256: "x", s3: "y" });
  const opts = { partSize: 5 * MiB, trustJournal: true };
  expect(planFile({ relPath: "a.edf", size: 10, mtime: "123", id: "77" }, state, opts).kind).toBe(
    "skip",
  );
  expect(planFile({ relPath: "a.edf", size: 10, mtime: "123", id: "99" }, state, opts).kind).toBe(
    "check",
  );
  expect(planFile({ relPath: "a.edf", size: 10, mtime: "124", id: "99" }, state, opts).kind).toBe(
    "put",
  );
});
