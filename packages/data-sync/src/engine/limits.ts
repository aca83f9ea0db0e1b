// Back-pressure: a byte budget (memory), a request budget (sockets) and a bandwidth cap.
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
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
 * The byte budget for file data, plus a check of the real resident size: the budget counts our
 * buffers, but the process also holds garbage the collector has not returned yet (more of it
 * when the machine is busy). Before more file data is read, an ask waits, while other buffers
 * are still out and the process is near its limit, for those to come back; it never waits on
 * itself, and never more than a few seconds.
 */
export class MemoryBudget extends Budget {
  constructor(
    capacity: number,
    private readonly rssLimit: number,
    private readonly rss: () => number = () => process.memoryUsage.rss(),
    /**
     * Memory a read of n bytes occupies, in n: 1 for a file read into the buffer; 2 when the
     * bytes come off a socket (a remote source), whose chunks stay until the next collection.
     */
    private readonly readCost = 1,
  ) {
    super(capacity);
  }

  override async acquire(n: number, signal?: AbortSignal): Promise<void> {
    await super.acquire(n, signal);
    const deadline = Date.now() + 5_000;
    while (
      this.rss() + n * this.readCost > this.rssLimit &&
      this.inUse > n &&
      Date.now() < deadline
    ) {
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
      if (signal?.aborted) {
        this.release(n);
        throw new InterruptedError();
      }
    }
  }
}
