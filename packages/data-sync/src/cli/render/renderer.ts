// A renderer shows engine events to a person or a program. Only the CLI renders.
import type { SyncEvent } from "../../engine/events.ts";

export interface Renderer {
  event(e: SyncEvent): void;
  /** The last word: a human summary, or the JSON summary line. */
  finish(summary: Record<string, unknown> & { exit_code: number }, human: string[]): void;
}
