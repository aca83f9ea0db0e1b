// The journal's group commit: lines are written at once, durable() waits for an fdatasync that
// covers them, and lines appended together share one sync instead of one each.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { openJournal } from "../src/engine/journal/journal.ts";
import { replay } from "../src/engine/journal/state.ts";

const header = { t: "hdr", v: 1, endpoint: "e", bucket: "b", prefix: "p/" } as const;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): string {
  const d = mkdtempSync(join(tmpdir(), "bgb-journal-"));
  dirs.push(d);
  return join(d, "j.jsonl");
}

const done = (i: number) =>
  ({
    t: "done",
    key: `f${i}.edf`,
    size: i,
    mtime: "1",
    id: String(i),
    sha256: "00".repeat(32),
    s3: "AA==",
  }) as const;

test("200 files finishing together are made durable by a few fdatasyncs, and every line is there", async () => {
  const path = fresh();
  const j = openJournal(path, header);
  const waits: Promise<void>[] = [];
  for (let i = 0; i < 200; i++) {
    j.append(done(i));
    waits.push(j.durable());
  }
  await Promise.all(waits);
  // group commit: one sync in flight, the rest batched behind it (not one per line)
  expect(j.stats.lines).toBe(200);
  expect(j.stats.syncs).toBeGreaterThan(0);
  expect(j.stats.syncs).toBeLessThanOrEqual(2);
  // written at once, before any close: a kill -9 now would keep them (page cache)
  expect(replay(readFileSync(path, "utf8")).done.size).toBe(200);
  // nothing new appended: no sync needed, resolves at once
  const before = j.stats.syncs;
  await j.durable();
  expect(j.stats.syncs).toBe(before);
  j.close();
  await j.durable(); // after close: close synced everything
  const again = openJournal(path, header);
  expect(again.state.done.size).toBe(200);
  again.close();
});

test("a line appended while a sync runs waits for the next sync, not the running one", async () => {
  const path = fresh();
  const j = openJournal(path, header);
  j.append(done(1));
  const first = j.durable();
  j.append(done(2)); // written after the first sync was started
  const second = j.durable();
  await first;
  await second;
  expect(j.stats.syncs).toBe(2);
  j.close();
});

test("a journal folder that cannot be made is one FatalError, also under /proc (no endless mkdir)", () => {
  const missingParent = join(fresh(), "..", "no", "such", "journals", "j.jsonl");
  expect(() => openJournal(missingParent, header)).toThrow(
    /cannot create the journal folder .* \(ENOENT\); check --state-dir/,
  );
  // mkdir({recursive: true}) spun at 100% CPU here: mkdir answers ENOENT with the parent there
  expect(() => openJournal("/proc/bgb-state/journals/j.jsonl", header)).toThrow(
    /cannot create the journal folder/,
  );
  // the folder of the journal itself is created (the CLI made the ones above it)
  const one = join(fresh(), "..", "journals", "j.jsonl");
  openJournal(one, header).close();
  expect(readFileSync(one, "utf8")).toContain('"hdr"');
});
