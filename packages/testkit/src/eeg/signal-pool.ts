// EEG-like int16 samples without per-sample trigonometry at write time: each channel gets a
// few seconds of precomputed signal (delta/theta/alpha/beta sines + noise), and every record is
// a copy from a seeded offset in that pool. Generating GBs then costs memcpy, not Math.sin.
import type { Rng } from "./prng.ts";

/** 0.1 uV per digit: int16 covers +-3276.8 uV, far beyond real scalp EEG. */
export const UV_PER_DIGIT = 0.1;
const POOL_SECONDS = 8;
const BANDS = [
  { lo: 1, hi: 3.5, amp: [15, 40] },
  { lo: 4, hi: 7.5, amp: [5, 20] },
  { lo: 8, hi: 12, amp: [10, 35] },
  { lo: 15, hi: 25, amp: [2, 8] },
] as const;

export class SignalPool {
  private readonly pools: Buffer[];
  private readonly span: number;

  constructor(
    channels: number,
    sampleRate: number,
    private readonly samplesPerRecord: number,
    rng: Rng,
  ) {
    const length = Math.max(POOL_SECONDS * sampleRate, 2 * samplesPerRecord);
    this.span = length - samplesPerRecord + 1;
    this.pools = Array.from({ length: channels }, () => channelPool(length, sampleRate, rng));
  }

  /** Fills `count` data records (all channels, EDF order) into the start of `buf`. */
  fillRecords(buf: Buffer, count: number, rng: Rng): void {
    const bytes = 2 * this.samplesPerRecord;
    let pos = 0;
    for (let r = 0; r < count; r++) {
      const base = rng.u32();
      for (let c = 0; c < this.pools.length; c++) {
        // One draw per record; channels step from it by a large odd stride to decorrelate.
        const offset = ((base + c * 2654435761) >>> 0) % this.span;
        (this.pools[c] as Buffer).copy(buf, pos, 2 * offset, 2 * offset + bytes);
        pos += bytes;
      }
    }
  }
}

function channelPool(length: number, sampleRate: number, rng: Rng): Buffer {
  // Each band is a phasor rotated by a fixed angle per sample: no Math.sin in the loop, which
  // made pool building the main cost for datasets of many small files.
  const n = BANDS.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const cosW = new Float64Array(n);
  const sinW = new Float64Array(n);
  for (const [k, b] of BANDS.entries()) {
    const w = (2 * Math.PI * (b.lo + rng.next() * (b.hi - b.lo))) / sampleRate;
    const phase = rng.next() * 2 * Math.PI;
    const amp = b.amp[0] + rng.next() * (b.amp[1] - b.amp[0]);
    re[k] = amp * Math.cos(phase);
    im[k] = amp * Math.sin(phase);
    cosW[k] = Math.cos(w);
    sinW[k] = Math.sin(w);
  }
  const noise = (3 + rng.next() * 5) / UV_PER_DIGIT;
  const out = Buffer.allocUnsafe(2 * length);
  for (let i = 0; i < length; i++) {
    let uv = 0;
    for (let k = 0; k < n; k++) {
      const r = re[k] as number;
      const m = im[k] as number;
      const c = cosW[k] as number;
      const s = sinW[k] as number;
      uv += m;
      re[k] = r * c - m * s;
      im[k] = m * c + r * s;
    }
    const d = Math.round(uv / UV_PER_DIGIT + (rng.next() - 0.5) * noise);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, d)), 2 * i);
  }
  return out;
}
