// A Modal call lasts at most 24 h; a longer training plan runs as segments, each resuming from
// last.pt (the GPU side hands over by itself, modal/bgb_modal/runner.py).

/** Mirrors MAX_SEGMENTS in modal/bgb_modal/versions.py: the GPU side stops a chain after this. */
export const MAX_SEGMENTS = 12;
export const MAX_TIMEOUT_S = 86_400;

export function segmentCount(plannedHours: number, timeoutS: number): number {
  const plannedS = Math.round(plannedHours * 3600);
  return Math.max(1, Math.ceil(plannedS / timeoutS));
}
