// CHB-MIT-shaped tree (PhysioNet chb-mit/1.0.0): chbNN/chbNN_MM.edf, chbNN/chbNN-summary.txt,
// chbNN_MM.edf.seizures for files with seizures, RECORDS, RECORDS-WITH-SEIZURES, and
// SHA256SUMS.txt over every other file, its hashes taken while the files are written.
import { edfDateTime, recordsForSize } from "./edf.ts";
import { type EegDatasetOptions, pad, positiveInt, resolveLabels, spread } from "./options.ts";
import { type Rng, rngFor, seedFrom } from "./prng.ts";
import { drawSizes } from "./sizes.ts";
import { type DatasetSummary, type GeneratedRecording, TreeWriter } from "./tree-writer.ts";

export type ChbmitCounts = { all: number };
export type ChbmitOptions = EegDatasetOptions;

/** The real montage, including its duplicated T8-P8 channel. */
export const CHBMIT_CHANNELS = [
  ...["FP1-F7", "F7-T7", "T7-P7", "P7-O1", "FP1-F3", "F3-C3", "C3-P3", "P3-O1", "FP2-F4"],
  ...["F4-C4", "C4-P4", "P4-O2", "FP2-F8", "F8-T8", "T8-P8", "P8-O2", "FZ-CZ", "CZ-PZ"],
  ...["P7-T7", "T7-FT9", "FT9-FT10", "FT10-T8", "T8-P8"],
];

interface Seizure {
  start: number;
  end: number;
}

export async function generateChbmit(opts: ChbmitOptions): Promise<DatasetSummary<ChbmitCounts>> {
  const seed = opts.seed ?? 1;
  const patients = positiveInt(opts.patients ?? 2, "patients");
  const files = positiveInt(opts.files ?? 3 * patients, "files");
  const sampleRate = positiveInt(opts.sampleRate ?? 256, "sampleRate");
  const recordSeconds = opts.recordSeconds ?? 1;
  const labels = resolveLabels(opts.channels, CHBMIT_CHANNELS, (i) => `X${i}`);
  const rng = rngFor(seed, "chbmit");
  const sizes = drawSizes(
    opts.sizes ?? { minBytes: 64 << 10, maxBytes: 2 << 20 },
    files,
    rngFor(seed, "sizes"),
  );
  const perPatient = spread(files, patients, rng);

  const out = await TreeWriter.open(opts.root, { replace: opts.replace ?? false, sha256: true });
  const records: string[] = [];
  const withSeizures: string[] = [];
  const recordings: GeneratedRecording[] = [];
  let fileIndex = 0;
  for (let p = 1; p <= patients; p++) {
    const patient = `chb${pad(p, 2)}`;
    const pr = rngFor(seed, "patient", patient);
    const fileCount = perPatient[p - 1] ?? 1;
    // Every patient in CHB-MIT has seizures; make sure at least one file here does too.
    const forced = pr.int(0, fileCount - 1);
    const entries: string[] = [];
    let clock = pr.int(0, 23 * 3600);
    let mm = 0;
    for (let i = 0; i < fileCount; i++) {
      mm += i > 0 && pr.next() < 0.15 ? 2 : 1; // the real numbering has gaps
      const name = `${patient}_${pad(mm, 2)}.edf`;
      const path = `${patient}/${name}`;
      const n = recordsForSize(sizes[fileIndex++] ?? 1, labels.length, sampleRate, recordSeconds);
      const duration = n * recordSeconds;
      const seizures = drawSeizures(duration, i === forced || pr.next() < 0.3, pr);
      const t = Math.floor(clock) % 86400;
      const { startDate, startTime } = edfDateTime(
        2010,
        1 + pr.int(0, 11),
        pr.int(1, 28),
        Math.floor(t / 3600),
        Math.floor(t / 60) % 60,
        t % 60,
      );
      await out.edf(path, {
        seed: seedFrom(seed, "signal", path),
        patientId: "Surrogate",
        recordingId: `Startdate X ${patient} synthetic CHB-MIT-shaped`,
        startDate,
        startTime,
        labels,
        sampleRate,
        recordSeconds,
        records: n,
      });
      records.push(path);
      recordings.push({
        edf: path,
        labels: `${patient}/${patient}-summary.txt`,
        split: "all",
        patient,
        session: null,
        montage: null,
        durationSeconds: duration,
        sampleRate,
        channels: labels,
        seizures: seizures.map((s) => ({ start: s.start, stop: s.end })),
      });
      if (seizures.length > 0) {
        withSeizures.push(path);
        await out.text(`${path}.seizures`, seizureAnnotations(seizures, sampleRate));
      }
      entries.push(summaryEntry(name, clock, duration, seizures));
      clock += duration + pr.int(5, 600);
    }
    await out.text(`${patient}/${patient}-summary.txt`, summaryText(sampleRate, labels, entries));
  }
  await out.text("RECORDS", `${records.join("\n")}\n`);
  await out.text("RECORDS-WITH-SEIZURES", `${withSeizures.join("\n")}\n`);
  const sums = out.summary(null).files.map((f) => `${f.sha256}  ${f.path}\n`);
  await out.text("SHA256SUMS.txt", sums.join(""));
  return out.summary({ all: records.length }, recordings);
}

function drawSeizures(duration: number, wanted: boolean, rng: Rng): Seizure[] {
  if (!wanted || duration < 4) return [];
  const count = duration >= 20 && rng.next() < 0.3 ? 2 : 1;
  const slot = Math.floor(duration / count);
  const out: Seizure[] = [];
  for (let i = 0; i < count; i++) {
    const start = i * slot + rng.int(0, Math.floor(slot / 2));
    out.push({
      start,
      end: Math.min(start + rng.int(1, Math.max(1, Math.floor(slot / 2))), duration),
    });
  }
  return out;
}

const clockText = (s: number) => {
  const t = Math.floor(s) % 86400;
  return `${pad(Math.floor(t / 3600), 2)}:${pad(Math.floor(t / 60) % 60, 2)}:${pad(t % 60, 2)}`;
};

function summaryEntry(name: string, start: number, duration: number, seizures: Seizure[]): string {
  const lines = [
    `File Name: ${name}`,
    `File Start Time: ${clockText(start)}`,
    `File End Time: ${clockText(start + duration)}`,
    `Number of Seizures in File: ${seizures.length}`,
  ];
  seizures.forEach((s, i) => {
    const tag = seizures.length > 1 ? `Seizure ${i + 1}` : "Seizure";
    lines.push(`${tag} Start Time: ${s.start} seconds`, `${tag} End Time: ${s.end} seconds`);
  });
  return lines.join("\n");
}

function summaryText(sampleRate: number, labels: readonly string[], entries: string[]): string {
  const head = [
    `Data Sampling Rate: ${sampleRate} Hz`,
    "*************************",
    "",
    "Channels in EDF Files:",
    "**********************",
    ...labels.map((l, i) => `Channel ${i + 1}: ${l}`),
  ];
  return `${head.join("\n")}\n\n${entries.join("\n\n")}\n\n`;
}

/**
 * WFDB-style annotation bytes: 16-bit words of (code << 10 | sample delta), SKIP words for long
 * gaps, 0 to end. Onset "[" (38) and offset "]" (39) at the seizure boundaries.
 */
function seizureAnnotations(seizures: Seizure[], sampleRate: number): Buffer {
  const words: number[] = [];
  let last = 0;
  const mark = (sample: number, code: number) => {
    const delta = sample - last;
    if (delta > 1023) {
      // SKIP (59), then the 32-bit delta as two words, high word first (PDP-11 order).
      words.push(59 << 10, (delta >>> 16) & 0xffff, delta & 0xffff, code << 10);
    } else {
      words.push((code << 10) | delta);
    }
    last = sample;
  };
  for (const s of seizures) {
    mark(s.start * sampleRate, 38);
    mark(s.end * sampleRate, 39);
  }
  words.push(0);
  const buf = Buffer.alloc(2 * words.length);
  for (const [i, w] of words.entries()) buf.writeUInt16LE(w, 2 * i);
  return buf;
}
