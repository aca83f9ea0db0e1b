// Back-pressure: a byte budget (memory), a request budget (sockets) and a bandwidth cap.
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { InterruptedError } from "./errors.ts";

/**
 * Requests in flight share one abort signal, and each may hold a few listeners on it at once
 * (a budget wait, the bandwidth wait, the SDK's own). Node warns past 10; a finite cap sized to
 * the concurrency keeps that warning for a real leak instead of silencing it for good.
 */
export function capAbortListeners(signal: AbortSignal, concurrency: number): void {
  setMaxListeners(4 * concurrency + 16, signal);
}

/** Counting semaphore over an amount (bytes or requests), FIFO so big asks don't starve. */
export class Budget {
  private waiters: { n: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private used = 0;
  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  /** An ask of n now would queue (behind other waiters, or for lack of room). */
  protected wouldWait(n: number): boolean {
    return this.waiters.length > 0 || this.used + Math.min(n, this.capacity) > this.capacity;
  }

  acquire(n: number, signal?: AbortSignal): Promise<void> {
    // An ask larger than the whole budget waits for an empty budget, then runs alone.
    const need = Math.min(n, this.capacity);
    if (signal?.aborted) return Promise.reject(new InterruptedError());
    if (this.waiters.length === 0 && this.used + need <= this.capacity) {
      this.used += need;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(new InterruptedError());
          this.pump();
        }
      };
      const w = {
        n: need,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      this.waiters.push(w);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  release(n: number): void {
    this.used -= Math.min(n, this.capacity);
    this.pump();
  }

  private pump(): void {
    while (this.waiters.length) {
      const w = this.waiters[0] as (typeof this.waiters)[number];
      if (this.used + w.n > this.capacity) return;
      this.waiters.shift();
      this.used += w.n;
      w.resolve();
    }
  }

  async with<T>(n: number, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    await this.acquire(n, signal);
    try {
      return await fn();
    } finally {
      this.release(n);
    }
  }
}

/** Token bucket in bytes/second; a request waits until its bytes are covered. */
export class BandwidthLimit {
  private available: number;
  private last = Date.now();
  constructor(private readonly bytesPerSecond: number) {
    this.available = bytesPerSecond;
  }

  async take(n: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(this.bytesPerSecond)) return;
    const now = Date.now();
    this.available = Math.min(
      this.bytesPerSecond,
      this.available + ((now - this.last) / 1000) * this.bytesPerSecond,
    );
    this.last = now;
    this.available -= n;
    if (this.available >= 0) return;
    const waitMs = (-this.available / this.bytesPerSecond) * 1000;
    // timers/promises removes its abort listener when the timer fires (a hand-made one leaked
    // one listener per throttled request).
    await sleep(waitMs, undefined, signal ? { signal } : {}).catch((e: unknown) => {
      throw signal?.aborted ? new InterruptedError() : e;
    });
  }
}

/**
 * V8's gc(), where the runtime allows it (the flag is set at run time, then a fresh context
 * carries the function); undefined where it does not.
 */
let gcFn: ((o?: object) => void) | null | undefined = null;
function gc(): ((o?: object) => void) | undefined {
  if (gcFn === null) {
    try {
      setFlagsFromString("--expose-gc");
      gcFn = runInNewContext("gc") as (o?: object) => void;
    } catch {
      gcFn = undefined;
    }
  }
  return gcFn;
}

/**
 * A full garbage collection now. V8 lets a large heap grow well past its live size before it
 * collects; near --max-memory, collecting is cheaper than waiting for it.
 */
export function collectGarbage(): void {
  gc()?.();
}

/**
 * Two full collections: the first frees the garbage but leaves the resident size where the
 * heap's peak put it; the second gives the emptied pages back to the OS (measured on Node 20:
 * RSS 261 -> 208 MiB for a heap of 180 MB garbage, where one collection kept 261, and V8's
 * gc({type: "major"}) option forms, alone, collected nothing). For phase ends only, e.g. after
 * the upload, before the manifest is built beside everything it left.
 */
export function releaseMemory(): void {
  const f = gc();
  f?.();
  f?.();
}

/** A full collection; the heap bytes it freed. */
function collectFreed(): number {
  const before = getHeapStatistics().used_heap_size;
  collectGarbage();
  return Math.max(0, before - getHeapStatistics().used_heap_size);
}

/** Live memory after a collection (heap and buffers): what the walk, the journal and the plan hold. */
export function liveHeap(): number {
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * The file-data budget once the per-file state exists: the CLI sized it before the walk, so
 * what the walk, the journal replay and the plan added to the live heap comes off it (with
 * 200,000 files that is tens of MiB), never below one part (`floor`) so the run always moves.
 */
export function budgetAfterPlan(requested: number, grownBy: number, floor: number): number {
  return Math.max(floor, requested - Math.max(0, grownBy));
}

/** Why file data is waiting: the byte budget is full, or the resident size is at the limit. */
export type MemoryWait =
  | { waiting: true; reason: "budget" | "resident" }
  | { waiting: false; waitedMs: number };

/** A wait shorter than this is ordinary back-pressure, not worth telling the user about. */
const WAIT_REPORT_MS = 1_000;

/**
 * A full byte budget that holds at least this many reads of the size asked is back-pressure
 * (reading overlaps sending; big files at the defaults hold about 5 parts of 16 MiB), not
 * starvation: a budget that holds one read at a time is worth telling the user to raise.
 */
const STARVED_BELOW_READS = 2;

/** How long a resident-size reading is used before it is read again. */
const RSS_FRESH_MS = 10;

/**
 * The byte budget for file data, plus a check of the real resident size: the budget counts our
 * buffers, but the process also holds garbage the collector has not returned yet (more of it
 * when the machine is busy). Before more file data is read, an ask waits, while other buffers
 * are still out and the process is near its limit, for those to come back; it never waits on
 * itself, and never more than a few seconds.
 */
export class MemoryBudget extends Budget {
  private waiting = 0;
  private since = 0;
  private reported = false;
  private reportTimer: NodeJS.Timeout | undefined;
  private lastGc = 0;
  private rssAt = 0;
  private rssSeen = 0;
  private gcBackoff = 1;

  constructor(
    capacity: number,
    private readonly rssLimit: number,
    private readonly readRss: () => number = () => process.memoryUsage.rss(),
    /**
     * Memory a read of n bytes occupies, in n: 1 for a file read into the buffer; 2 when the
     * bytes come off a socket (a remote source), whose chunks stay until the next collection.
     */
    private readonly readCost = 1,
    /** told when file data has waited for memory for more than a moment, and when it moves again */
    private readonly onWait: (w: MemoryWait) => void = () => {},
    /** a full collection; returns the heap bytes it freed */
    private readonly collect: () => number = collectFreed,
  ) {
    super(capacity);
  }

  override async acquire(n: number, signal?: AbortSignal): Promise<void> {
    if (this.wouldWait(n) && this.capacity < STARVED_BELOW_READS * n) {
      this.beginWait("budget");
      try {
        await super.acquire(n, signal);
      } finally {
        this.endWait();
      }
    } else await super.acquire(n, signal);
    // Near the limit, collect before V8 grows the heap into it (a collection does not shrink
    // the heap, it lets it be reused): this keeps a run with 200,000 files of per-file state
    // under the limit without waiting. At most once a second (a full collection costs), but
    // four times a second when bytes come off sockets: their chunks are garbage only a
    // collection returns, and it piles up with throughput (a 192 MiB streamed object at 64
    // requests peaked at 295 MiB with one collection a second, 231 MiB with four).
    // A collection that finds little garbage (the heap is mostly live state: a journal of
    // 200,000 files) doubles the wait before the next one, up to 16x: a full collection of such
    // a heap every second cost a whole 200,000-file run a fifth of its CPU.
    const gcEveryMs = (this.readCost > 1 ? 250 : 1_000) * this.gcBackoff;
    if (this.rss() + n * this.readCost > this.rssLimit - this.rssLimit / 16) {
      if (Date.now() - this.lastGc >= gcEveryMs) {
        const freed = this.collectNow();
        this.gcBackoff = freed < this.rssLimit / 32 ? Math.min(16, this.gcBackoff * 2) : 1;
      }
    }
    if (!this.overLimit(n)) return;
    // Over the limit: most of it is garbage. Collect (at most every half second), then wait
    // only while other buffers are out (never on itself) and a few seconds at most.
    this.beginWait("resident");
    try {
      const deadline = Date.now() + 5_000;
      while (this.overLimit(n) && this.inUse > n && Date.now() < deadline) {
        if (Date.now() - this.lastGc >= 500) {
          this.collectNow();
          continue;
        }
        await new Promise<void>((resolve) => setTimeout(resolve, 20));
        this.rssAt = 0; // waited: read it again
        if (signal?.aborted) {
          this.release(n);
          throw new InterruptedError();
        }
      }
    } finally {
      this.endWait();
    }
  }

  /**
   * The resident size, read at most every RSS_FRESH_MS and after every collection: a reading is
   * three system calls (/proc/self/stat), twice per file was a measurable share of a small
   * file's CPU. Our own buffers are counted by the budget at once; RSS only catches garbage.
   */
  private rss(): number {
    const now = Date.now();
    if (now - this.rssAt >= RSS_FRESH_MS) {
      this.rssSeen = this.readRss();
      this.rssAt = now;
    }
    return this.rssSeen;
  }

  private collectNow(): number {
    this.lastGc = Date.now();
    const freed = this.collect();
    this.rssAt = 0;
    return freed;
  }

  private overLimit(n: number): boolean {
    return this.rss() + n * this.readCost > this.rssLimit;
  }

  // One report when some read has waited WAIT_REPORT_MS, one when none has waited for as long
  // (a short gap between two waits is the same starved stretch, not two).
  private beginWait(reason: "budget" | "resident"): void {
    if (this.waiting++ > 0) return;
    if (this.reported) {
      clearTimeout(this.reportTimer); // the "moving again" report is cancelled: still waiting
      return;
    }
    this.since = Date.now();
    this.reportTimer = setTimeout(() => {
      this.reported = true;
      this.onWait({ waiting: true, reason });
    }, WAIT_REPORT_MS);
    this.reportTimer.unref();
  }

  private endWait(): void {
    if (--this.waiting > 0) return;
    clearTimeout(this.reportTimer);
    if (!this.reported) return;
    this.reportTimer = setTimeout(() => {
      this.reported = false;
      this.onWait({ waiting: false, waitedMs: Date.now() - this.since - WAIT_REPORT_MS });
    }, WAIT_REPORT_MS);
    this.reportTimer.unref();
  }

  /** Ends the reporting (the run is over): a wait still reported is closed now. */
  close(): void {
    clearTimeout(this.reportTimer);
    if (this.reported) {
      this.reported = false;
      this.onWait({ waiting: false, waitedMs: Date.now() - this.since });
    }
  }
}
