// Part buffers are reused rather than left to the garbage collector: with hundreds of MiB
// passing through, freshly allocated buffers pile up faster than GC returns them, and the
// resident size overshoots the --max-memory budget. The Budget bounds how many are out at once.
export class BufferPool {
  private free: Buffer[] = [];
  constructor(private readonly blockSize: number) {}

  /** A buffer of exactly `size` bytes; pooled only when it fills most of a block, since the
   * budget counts `size`, not the block behind it. */
  take(size: number): Buffer {
    if (size > this.blockSize || size <= this.blockSize / 2) return Buffer.allocUnsafe(size);
    const block = this.free.pop() ?? Buffer.allocUnsafe(this.blockSize);
    return block.subarray(0, size);
  }

  give(buf: Buffer): void {
    if (buf.buffer.byteLength === this.blockSize && buf.byteOffset === 0) {
      this.free.push(Buffer.from(buf.buffer, 0, this.blockSize));
    }
  }
}
