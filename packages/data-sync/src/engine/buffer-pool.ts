// File data is read into pooled buffers. Freshly allocated multi-MiB buffers come back to the
// OS late (GC timing, and glibc keeps freed large chunks once its mmap threshold has risen), so
// the resident size overshoots --max-memory. Buffers here come in power-of-two size classes
// from 64 KiB up to the part size; the memory budget is charged the class size (cost()), and the
// pool never holds more than the budget: free blocks of other classes are dropped to make room.
// Small classes matter too: a fresh buffer per 100 KB file (TUSZ's EDF files) was a steady
// stream of garbage and page faults, a tenth of the CPU of a small-file upload.
const MIN_CLASS = 64 * 1024;

export class BufferPool {
  private free = new Map<number, Buffer[]>();
  private held = 0;
  /** only blocks made here come back in (a source may hand out buffers of its own) */
  private mine = new WeakSet<ArrayBufferLike>();

  constructor(
    private readonly maxBlock: number,
    private readonly capacity: number,
  ) {}

  /** What reading `size` bytes costs against the memory budget. */
  cost(size: number): number {
    const c = this.classOf(size);
    return c === undefined ? size : c;
  }

  /** A buffer of exactly `size` bytes, backed by a pooled block when it has a class. */
  take(size: number): Buffer {
    const c = this.classOf(size);
    if (c === undefined) return Buffer.allocUnsafe(size);
    const block = this.free.get(c)?.pop() ?? this.allocate(c);
    return block.subarray(0, size);
  }

  give(buf: Buffer): void {
    const c = buf.buffer.byteLength;
    if (!this.mine.has(buf.buffer)) return;
    const list = this.free.get(c) ?? [];
    list.push(Buffer.from(buf.buffer, 0, c));
    this.free.set(c, list);
  }

  /** Forgets every idle block (the run is over: the manifest should not sit on top of them). */
  drain(): void {
    for (const [c, list] of this.free) this.held -= c * list.length;
    this.free.clear();
  }

  private classOf(size: number): number | undefined {
    if (size < MIN_CLASS / 2 || size > this.maxBlock) return undefined;
    let c = MIN_CLASS;
    while (c < size) c *= 2;
    return Math.min(c, this.maxBlock);
  }

  private allocate(c: number): Buffer {
    // Make room by forgetting idle blocks of other sizes, biggest first.
    const classes = [...this.free.keys()].sort((a, b) => b - a);
    for (const k of classes) {
      const list = this.free.get(k) as Buffer[];
      while (this.held + c > this.capacity && list.length) {
        list.pop();
        this.held -= k;
      }
    }
    this.held += c;
    // allocUnsafeSlow: a block of its own, never a slice of Node's shared small-buffer pool.
    const block = Buffer.allocUnsafeSlow(c);
    this.mine.add(block.buffer);
    return block;
  }
}
