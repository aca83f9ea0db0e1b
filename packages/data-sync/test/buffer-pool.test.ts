// Pooled read buffers: small files (TUSZ's EDF are 2-300 KB) reuse blocks instead of making
// garbage per file, and the pool never holds more than its capacity.
import { expect, test } from "vitest";
import { BufferPool } from "../src/engine/buffer-pool.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

test("a 100 KB file's buffer comes back and is reused by the next file of its size class", () => {
  const pool = new BufferPool(16 * MiB, 64 * MiB);
  const a = pool.take(100 * KiB);
  expect(a.length).toBe(100 * KiB);
  expect(pool.cost(100 * KiB)).toBe(128 * KiB); // charged its class, never less than it holds
  pool.give(a);
  const b = pool.take(120 * KiB);
  expect(b.length).toBe(120 * KiB);
  expect(b.buffer).toBe(a.buffer);
});

test("tiny files are not pooled (Node's own small-buffer pool serves them); idle blocks never exceed the capacity", () => {
  const pool = new BufferPool(16 * MiB, 1 * MiB);
  expect(pool.cost(4 * KiB)).toBe(4 * KiB);
  const held = [pool.take(600 * KiB)]; // 1 MiB class: the whole capacity
  for (const b of held) pool.give(b);
  // a block of another class evicts the idle 1 MiB block instead of growing past capacity
  const small = pool.take(100 * KiB);
  pool.give(small);
  const again = pool.take(600 * KiB);
  expect(again.buffer).not.toBe(held[0]?.buffer);
});

test("drain() forgets the idle blocks (the run is over), buffers still out come back as usual", () => {
  const pool = new BufferPool(16 * MiB, 64 * MiB);
  const idle = pool.take(8 * MiB);
  const out = pool.take(8 * MiB);
  pool.give(idle);
  pool.drain();
  const next = pool.take(8 * MiB);
  expect(next.buffer).not.toBe(idle.buffer); // a new block: the idle one was let go
  pool.give(out);
  expect(pool.take(8 * MiB).buffer).toBe(out.buffer);
});
