// Folds engine events into what a progress display shows: totals, rate, ETA, files in flight.
import type { SyncEvent } from "../../engine/events.ts";

export class ProgressState {
  filesTotal = 0;
  bytesToSend = 0;
  toProcess = 0;
  bytesSent = 0;
  filesDone = 0;
  filesFailed = 0;
  inFlight = new Map<string, { size: number; sent: number }>();
  /** --max-memory in bytes while file data is waiting for memory, else undefined */
  waitingForMemory: number | undefined;
  private samples: { t: number; bytes: number }[] = [];
  readonly started = Date.now();

  apply(e: SyncEvent): void {
    switch (e.event) {
      case "plan":
        this.filesTotal = e.files;
        this.bytesToSend = e.bytes_to_send;
        this.toProcess = e.to_upload + e.to_check;
        break;
      case "file_start":
        this.inFlight.set(e.key, { size: e.size, sent: 0 });
        break;
      case "progress": {
        this.bytesSent += e.bytes;
        const f = this.inFlight.get(e.key);
        if (f) f.sent += e.bytes;
        break;
      }
      case "file_done":
        this.inFlight.delete(e.key);
        this.filesDone++;
        // A resumed or adopted file needed fewer bytes than planned.
        this.bytesToSend -= Math.max(0, e.size - e.bytes_sent) * (e.outcome === "uploaded" ? 0 : 1);
        break;
      case "file_failed":
        this.inFlight.delete(e.key);
        this.filesFailed++;
        break;
      case "memory_wait":
        this.waitingForMemory = e.waiting ? e.max_memory : undefined;
        break;
      default:
        break;
    }
  }

  /** bytes/second over the last ~10 s */
  rate(now = Date.now()): number {
    this.samples.push({ t: now, bytes: this.bytesSent });
    while (this.samples.length > 2 && now - (this.samples[0] as { t: number }).t > 10_000)
      this.samples.shift();
    const first = this.samples[0] as { t: number; bytes: number };
    const dt = (now - first.t) / 1000;
    return dt > 0.5 ? (this.bytesSent - first.bytes) / dt : 0;
  }

  etaSeconds(rate: number): number {
    const left = Math.max(0, this.bytesToSend - this.bytesSent);
    return rate > 0 ? left / rate : Number.POSITIVE_INFINITY;
  }
}
