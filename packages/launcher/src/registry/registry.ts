// The run registry: <repo>/.bgb/runs.jsonl, one JSON event per line, only ever appended to, so
// a crash mid-write costs at most its own last line and history is never rewritten.
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { foldEvents, type RunEvent, type RunRecord } from "./records.ts";

export const REGISTRY_PATH = ".bgb/runs.jsonl";

type NewEvent = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, "v" | "at">
    : never
  : never;

export class RunRegistry {
  /** Lines that did not parse on the last read (a torn last line after a crash). */
  skippedLines = 0;

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  static at(root: string, now?: () => Date): RunRegistry {
    return new RunRegistry(join(root, REGISTRY_PATH), now);
  }

  append(event: NewEvent): RunEvent {
    const full = { v: 1, at: this.now().toISOString(), ...event } as RunEvent;
    mkdirSync(dirname(this.file), { recursive: true });
    // A torn last line (a crash mid-write) must not swallow this one.
    const sep = this.endsWithNewline() ? "" : "\n";
    // One write of one line with O_APPEND: concurrent launchers do not interleave within it.
    appendFileSync(this.file, `${sep}${JSON.stringify(full)}\n`, { encoding: "utf8", flag: "a" });
    return full;
  }

  private endsWithNewline(): boolean {
    const size = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
    if (size === 0) return true;
    const fd = openSync(this.file, "r");
    try {
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, size - 1);
      return b[0] === 0x0a;
    } finally {
      closeSync(fd);
    }
  }

  events(): RunEvent[] {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    const out: RunEvent[] = [];
    this.skippedLines = 0;
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        const v = JSON.parse(line) as RunEvent;
        if (v && v.v === 1 && typeof v.run === "string" && typeof v.event === "string") out.push(v);
        else this.skippedLines++;
      } catch {
        this.skippedLines++;
      }
    }
    return out;
  }

  records(): RunRecord[] {
    return [...foldEvents(this.events()).values()];
  }

  get(run: string): RunRecord | undefined {
    return foldEvents(this.events()).get(run);
  }
}
