// --json: one JSON object per line on stdout; the last line is {"event":"summary",...}.
// Per-part progress is folded into a periodic "stats" line so a program can show rate and ETA.
import { ProgressState } from "./progress-state.ts";
import type { Renderer } from "./renderer.ts";

export function jsonRenderer(
  intervalMs: number,
  out: NodeJS.WritableStream = process.stdout,
): Renderer {
  const write = (o: object) => out.write(`${JSON.stringify(o)}\n`);
  const state = new ProgressState();
  let timer: NodeJS.Timeout | undefined;
  const stats = () => {
    const rate = state.rate();
    const eta = state.etaSeconds(rate);
    write({
      event: "stats",
      bytes_sent: state.bytesSent,
      bytes_to_send: state.bytesToSend,
      files_done: state.filesDone,
      files_failed: state.filesFailed,
      files_to_process: state.toProcess,
      in_flight: state.inFlight.size,
      waiting_for_memory: state.waitingForMemory !== undefined,
      rate_bytes_per_s: Math.round(rate),
      eta_s: Number.isFinite(eta) ? Math.round(eta) : null,
    });
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    event: (e) => {
      state.apply(e);
      if (e.event === "plan" && !timer) {
        timer = setInterval(stats, intervalMs);
        timer.unref();
      }
      if (e.event !== "progress") write(e);
    },
    finish: (summary) => {
      stop();
      write({ event: "summary", ...summary });
    },
  };
}
