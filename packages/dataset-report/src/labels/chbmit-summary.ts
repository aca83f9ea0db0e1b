// CHB-MIT `chbNN-summary.txt`: blocks of "File Name: chbNN_MM.edf", start/end clock times,
// "Number of Seizures in File: N" and N pairs of "Seizure [k] Start/End Time: S seconds".

import type { Interval } from "./interval.ts";

export interface ChbmitSummaryEntry {
  file: string;
  seizures: Interval[];
  /** 1-based line of "File Name:", for messages. */
  line: number;
}

export function parseChbmitSummary(
  text: string,
): { ok: true; entries: ChbmitSummaryEntry[] } | { ok: false; problem: string } {
  const entries: ChbmitSummaryEntry[] = [];
  let current:
    | (ChbmitSummaryEntry & { declared: number | null; starts: number[]; stops: number[] })
    | null = null;
  const close = (): string | null => {
    if (!current) return null;
    const { starts, stops, declared, file, line } = current;
    if (starts.length !== stops.length)
      return `line ${line}: ${file} has ${starts.length} seizure start times and ${stops.length} end times`;
    if (declared !== null && declared !== starts.length)
      return `line ${line}: ${file} declares ${declared} seizures and lists ${starts.length}`;
    entries.push({
      file,
      line,
      seizures: starts.map((start, i) => ({ start, stop: stops[i] as number })),
    });
    current = null;
    return null;
  };
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    const name = /^File Name:\s*(\S+)/i.exec(line);
    if (name) {
      const problem = close();
      if (problem) return { ok: false, problem };
      current = {
        file: name[1] as string,
        seizures: [],
        line: i + 1,
        declared: null,
        starts: [],
        stops: [],
      };
      continue;
    }
    if (!current) continue;
    const count = /^Number of Seizures in File:\s*(\d+)/i.exec(line);
    if (count) current.declared = Number(count[1]);
    const time = /^Seizure(?:\s+\d+)?\s+(Start|End)\s+Time:\s*(-?[0-9.]+)\s*seconds?/i.exec(line);
    if (time)
      (time[1]?.toLowerCase() === "start" ? current.starts : current.stops).push(Number(time[2]));
    else if (/^Seizure/i.test(line) && /Time/i.test(line))
      return { ok: false, problem: `line ${i + 1}: cannot read "${line}"` };
  }
  const problem = close();
  if (problem) return { ok: false, problem };
  return { ok: true, entries };
}
