// The memory gate: over --max-memory it collects before it waits, and a wait longer than a
// moment is reported (memory_wait) and shown on the progress line with the flag to raise.
import { afterEach, describe, expect, test, vi } from "vitest";
import { ProgressState } from "../src/cli/render/progress-state.ts";
import { sizeFlag, statusLine } from "../src/cli/render/text-renderer.ts";
import { budgetAfterPlan, MemoryBudget, type MemoryWait } from "../src/engine/limits.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** A byte budget of `capacity` with RSS far from the limit, recording what it reports. */
function reporting(capacity: number): { m: MemoryBudget; seen: MemoryWait[] } {
  const seen: MemoryWait[] = [];
  return {
    m: new MemoryBudget(
      capacity,
      1e12,
      () => 0,
      1,
      (w) => seen.push(w),
    ),
    seen,
  };
}

describe("memory gate", () => {
  test("over the resident limit it collects garbage first, and goes ahead when that was enough", async () => {
    let rss = 200;
    let collections = 0;
    const m = new MemoryBudget(
      100,
      150,
      () => rss,
      1,
      undefined,
      () => {
        collections++;
        rss = 120; // the collector returned the garbage
        return 80;
      },
    );
    await m.acquire(20);
    await m.acquire(20); // another buffer is out: before, this waited for it up to 5 s
    expect(collections).toBe(1);
    expect(m.inUse).toBe(40);
  });

  test("the resident size is read once for a burst of reads, again after a collection", async () => {
    vi.useFakeTimers();
    let reads = 0;
    let rss = 10;
    const m = new MemoryBudget(
      1000,
      150,
      () => {
        reads++;
        return rss;
      },
      1,
      undefined,
      () => {
        rss = 10;
        return 135;
      },
    );
    for (let i = 0; i < 50; i++) await m.acquire(1);
    expect(reads).toBe(1); // three system calls per reading: not one per file
    await vi.advanceTimersByTimeAsync(10);
    rss = 145; // near the limit now: the next read collects, and then reads it again
    await m.acquire(1);
    expect(reads).toBe(3);
    expect(m.inUse).toBe(51);
  });

  test("near the limit, collections that free little come less often (up to 16x); one that frees plenty resets that", async () => {
    vi.useFakeTimers();
    const at: number[] = [];
    let freed = 0;
    // RSS always near the 160 limit (150 + 1 > 160 - 10): every read would like a collection
    const m = new MemoryBudget(
      1e6,
      160,
      () => 150,
      1,
      undefined,
      () => {
        at.push(Date.now());
        return freed;
      },
    );
    const t0 = Date.now();
    for (let t = 0; t <= 40_000; t += 500) {
      await m.acquire(1);
      m.release(1);
      if (t === 20_000) freed = 100; // garbage again: the next collection resets the wait
      await vi.advanceTimersByTimeAsync(500);
    }
    // the waits double after each collection that freed nothing: 2, 4, 8, then 16 s (the
    // most); the one at 30 s frees plenty, and they come every second again
    const expected = [0, 2000, 6000, 14000, 30000, 31000, 32000, 33000, 34000, 35000];
    expect(at.map((x) => x - t0)).toEqual([...expected, 36000, 37000, 38000, 39000, 40000]);
  });

  test("a read that waits more than a moment is reported once, and again when reads move", async () => {
    vi.useFakeTimers();
    const { m, seen } = reporting(10);
    await m.acquire(10);
    const waiting = [m.acquire(6)]; // the budget holds one such read at a time: starved
    await vi.advanceTimersByTimeAsync(999);
    expect(seen).toEqual([]); // ordinary back-pressure: not worth a word
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([{ waiting: true, reason: "budget" }]);
    m.release(10);
    await Promise.all(waiting);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ waiting: false });
  });

  test("a full budget that holds several reads is back-pressure: no report however long it waits", async () => {
    vi.useFakeTimers();
    const { m, seen } = reporting(40);
    await m.acquire(40); // reads of 10 in flight: the budget holds four
    const waiting = m.acquire(10);
    await vi.advanceTimersByTimeAsync(5000);
    m.release(40);
    await waiting;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual([]);
  });

  test("close() ends a wait still reported", async () => {
    vi.useFakeTimers();
    const { m, seen } = reporting(10);
    await m.acquire(10);
    const p = m.acquire(10);
    await vi.advanceTimersByTimeAsync(1500);
    m.release(10);
    await p;
    m.close();
    expect(seen.map((w) => w.waiting)).toEqual([true, false]);
  });

  test("the per-file state comes off the file-data budget, never below one part", () => {
    expect(budgetAfterPlan(100, 30, 16)).toBe(70);
    expect(budgetAfterPlan(100, 95, 16)).toBe(16);
    expect(budgetAfterPlan(100, -5, 16)).toBe(100); // a heap that shrank gives nothing extra
  });
});

describe("progress line", () => {
  test("says it is waiting for memory and which flag to raise, until reads move again", () => {
    const s = new ProgressState();
    s.apply({
      event: "plan",
      files: 3,
      bytes: 30,
      to_upload: 3,
      to_check: 0,
      to_adopt: 0,
      to_skip: 0,
      bytes_to_send: 30,
      bytes_through_machine: 30,
      requests: 3,
      path: "upload",
      dry_run: false,
    });
    expect(statusLine(s)).not.toContain("waiting for memory");
    s.apply({
      event: "memory_wait",
      waiting: true,
      reason: "budget",
      max_memory: 256 * 1024 ** 2,
      budget: 64 * 1024 ** 2,
    });
    expect(statusLine(s)).toContain(
      "waiting for memory (--max-memory 256MiB; raise it to go faster)",
    );
    s.apply({ event: "memory_wait", waiting: false, waited_ms: 2000 });
    expect(statusLine(s)).not.toContain("waiting for memory");
  });

  test("sizes are written as the flag takes them", () => {
    expect(sizeFlag(256 * 1024 ** 2)).toBe("256MiB");
    expect(sizeFlag(1024 ** 3)).toBe("1GiB");
    expect(sizeFlag(1536 * 1024 ** 2)).toBe("1536MiB");
    expect(sizeFlag(1000)).toBe("1000B");
  });
});
