// TUSZ v2 label files: `# key = value` comment lines, the column line
// `channel,start_time,stop_time,label,confidence`, then one row per interval. The per-channel
// `.csv` names a montage channel per row; the `.csv_bi` form has `TERM` rows. Both parse here.

export interface TuszLabelRow {
  channel: string;
  start: number;
  stop: number;
  label: string;
  confidence: number;
  /** 1-based line in the file, for messages. */
  line: number;
}

export interface TuszLabels {
  /** From `# duration = N secs`, when present. */
  durationSeconds: number | null;
  rows: TuszLabelRow[];
}

/** The labels the trainer counts as seizure (brain_brr.data.io.events_to_binary_mask). */
export const TUSZ_SEIZURE_LABELS: ReadonlySet<string> = new Set([
  ...["seiz", "gnsz", "fnsz", "cpsz", "absz", "spsz", "tcsz", "tnsz", "mysz"],
]);

const COLUMNS = "channel,start_time,stop_time,label,confidence";

export function parseTuszCsv(
  text: string,
): { ok: true; labels: TuszLabels } | { ok: false; problem: string } {
  let durationSeconds: number | null = null;
  let header = false;
  const rows: TuszLabelRow[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const m = /^#\s*duration\s*=\s*([0-9.eE+-]+)\s*secs?\b/.exec(line);
      if (m) durationSeconds = Number(m[1]);
      continue;
    }
    if (!header) {
      if (line.replace(/\s+/g, "").toLowerCase() !== COLUMNS)
        return { ok: false, problem: `line ${i + 1}: expected the column line "${COLUMNS}"` };
      header = true;
      continue;
    }
    const cells = line.split(",").map((c) => c.trim());
    const [channel, start, stop, label, confidence] = cells;
    const nums = [start, stop, confidence].map((c) =>
      c !== undefined && c !== "" ? Number(c) : NaN,
    );
    if (cells.length !== 5 || !channel || !label || nums.some((n) => !Number.isFinite(n)))
      return { ok: false, problem: `line ${i + 1}: expected ${COLUMNS}, got "${line}"` };
    rows.push({
      channel,
      start: nums[0] as number,
      stop: nums[1] as number,
      label,
      confidence: nums[2] as number,
      line: i + 1,
    });
  }
  if (!header) return { ok: false, problem: `no column line "${COLUMNS}"` };
  return { ok: true, labels: { durationSeconds, rows } };
}
