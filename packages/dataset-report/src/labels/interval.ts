// Seizure intervals in seconds from the start of a recording.

export interface Interval {
  start: number;
  stop: number;
}

/**
 * One event per stretch of seizure: TUSZ's per-channel `.csv` repeats an event on every
 * channel, so overlapping intervals are one event. Intervals that only touch stay two (CHB-MIT
 * lists back-to-back seizures separately).
 */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.stop > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start < last.stop) last.stop = Math.max(last.stop, i.stop);
    else out.push({ ...i });
  }
  return out;
}

export const totalSeconds = (intervals: readonly Interval[]) =>
  intervals.reduce((n, i) => n + (i.stop - i.start), 0);
