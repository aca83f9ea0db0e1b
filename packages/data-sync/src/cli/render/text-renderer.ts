// Human output: a live display on a terminal, a plain line every few seconds otherwise.
import type { SyncEvent } from "../../engine/events.ts";
import { formatBytes, formatDuration } from "../units.ts";
import { ProgressState } from "./progress-state.ts";
import type { Renderer } from "./renderer.ts";

export interface TextRendererOptions {
  tty: boolean;
  out?: NodeJS.WriteStream | NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** plain mode: seconds between status lines */
  intervalMs?: number;
  maxInFlightShown?: number;
}

export function statusLine(s: ProgressState): string {
  const rate = s.rate();
  const pct = s.bytesToSend > 0 ? Math.min(100, (100 * s.bytesSent) / s.bytesToSend) : 100;
  return (
    `${formatBytes(s.bytesSent)} / ${formatBytes(s.bytesToSend)} (${pct.toFixed(0)}%)` +
    `  ${formatBytes(rate)}/s  ETA ${formatDuration(s.etaSeconds(rate))}` +
    `  files ${s.filesDone}/${s.toProcess}${s.filesFailed ? `  failed ${s.filesFailed}` : ""}` +
    (s.waitingForMemory === undefined
      ? ""
      : `  waiting for memory (--max-memory ${sizeFlag(s.waitingForMemory)}; raise it to go faster)`)
  );
}

/** A byte count as one would type it after --max-memory: 256MiB, 1GiB. */
export function sizeFlag(bytes: number): string {
  for (const [unit, n] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const)
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  return `${bytes}B`;
}

export function textRenderer(opts: TextRendererOptions): Renderer {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const state = new ProgressState();
  const maxShown = opts.maxInFlightShown ?? 6;
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const clear = () => {
    if (!opts.tty || drawn === 0) return;
    out.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    if (!opts.tty) return;
    clear();
    // A pseudo-terminal may report 0 columns: treat that as unknown, not as "cut everything".
    const cols = (out as NodeJS.WriteStream).columns || 100;
    const lines = [statusLine(state)];
    for (const [key, f] of [...state.inFlight].slice(0, maxShown)) {
      const pct = f.size ? ((100 * f.sent) / f.size).toFixed(0).padStart(3) : "  -";
      lines.push(`  ${pct}% ${formatBytes(f.size).padStart(10)}  ${key}`);
    }
    if (state.inFlight.size > maxShown)
      lines.push(`  ... and ${state.inFlight.size - maxShown} more in flight`);
    out.write(`${lines.map((l) => l.slice(0, cols - 1)).join("\n")}\n`);
    drawn = lines.length;
  };
  // Messages go above the live block so they stay readable after it is redrawn.
  const say = (line: string, stream: NodeJS.WritableStream = out) => {
    clear();
    stream.write(`${line}\n`);
    draw();
  };
  const start = () => {
    if (timer) return;
    timer = setInterval(
      () => (opts.tty ? draw() : out.write(`${statusLine(state)}\n`)),
      opts.tty ? 200 : (opts.intervalMs ?? 5000),
    );
    timer.unref();
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    clear();
  };

  return {
    event(e: SyncEvent) {
      state.apply(e);
      switch (e.event) {
        case "plan":
          // a dry run's totals are its summary lines
          if (e.dry_run) break;
          say(
            `${e.files} files, ${formatBytes(e.bytes)}: ${e.to_upload} to ${e.path === "copy" ? "copy server-side" : "upload"}, ${e.to_check} to check${e.to_adopt ? ` (${e.to_adopt} listed in the bucket's manifest)` : ""}, ${e.to_skip} unchanged; through this machine: ${formatBytes(e.bytes_through_machine)}`,
          );
          start();
          break;
        case "warning":
          say(`warning: ${e.message}`, err);
          break;
        case "restart":
          say(`restart: ${e.key}: ${e.reason}`);
          break;
        case "file_failed":
          say(`failed: ${e.key}: ${e.error}`, err);
          break;
        case "file_done":
          if (e.outcome === "resumed")
            say(`${e.outcome}: ${e.key}${e.reason ? ` (${e.reason})` : ""}`);
          break;
        case "manifest":
          say(
            `manifest ${e.written ? "written" : "unchanged"}: ${e.key} (dataset version ${e.version.slice(0, 16)}…, ${e.files} files)`,
          );
          break;
        default:
          break;
      }
    },
    finish(_summary, human) {
      stop();
      for (const l of human) out.write(`${l}\n`);
    },
  };
}
