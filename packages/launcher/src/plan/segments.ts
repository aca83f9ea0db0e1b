// A Modal call runs at most 24 h. A longer training plan runs as several *attempts* of the same
// call: the `train` function's modal.Retries starts a new attempt, with a fresh timeout, after an
// attempt stops itself before its timeout (modal/bgb_modal/runner.py); each resumes from last.pt
// (Modal's "Timeouts" guide: the timeout applies per attempt).

/** Mirrors MAX_RETRIES in modal/bgb_modal/function_plan.py: Modal accepts at most 10 retries. */
export const MAX_RETRIES = 10;
export const MAX_ATTEMPTS = MAX_RETRIES + 1;
/** Retries kept beyond the planned time, for preemptions and crashes (each one costs an attempt). */
export const SPARE_RETRIES = 2;
export const MAX_TIMEOUT_S = 86_400;

/** Attempts the planned time needs: planned time over the per-attempt timeout, rounded up. */
export function segmentCount(plannedHours: number, timeoutS: number): number {
  const plannedS = Math.round(plannedHours * 3600);
  return Math.max(1, Math.ceil(plannedS / timeoutS));
}

/** The `train` function's retries: the attempts the time needs, plus spares, within Modal's 10. */
export function trainRetries(plannedHours: number, timeoutS: number): number {
  return Math.min(MAX_RETRIES, segmentCount(plannedHours, timeoutS) - 1 + SPARE_RETRIES);
}
