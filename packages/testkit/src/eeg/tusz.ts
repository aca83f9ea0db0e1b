// TUSZ v2-shaped tree: edf/{train,dev,eval}/<patient>/<sNNN_YYYY>/<montage>/<patient>_<sNNN>_<tNNN>.edf
// with the label CSV beside each EDF. Patients are assigned to exactly one split.
import { edfDateTime, recordsForSize } from "./edf.ts";
import { type EegDatasetOptions, pad, positiveInt, resolveLabels, spread } from "./options.ts";
import { type Rng, rngFor, seedFrom, shuffled } from "./prng.ts";
import { drawSizes } from "./sizes.ts";
import { type DatasetSummary, type GeneratedRecording, TreeWriter } from "./tree-writer.ts";

export type TuszSplit = "train" | "dev" | "eval";
export type TuszCounts = Record<TuszSplit, number>;
export type TuszOptions = EegDatasetOptions;

export const TUSZ_MONTAGES = ["01_tcp_ar", "02_tcp_le", "03_tcp_ar_a"] as const;
const ELECTRODES = [
  ...["FP1", "FP2", "F3", "F4", "C3", "C4", "P3", "P4", "O1", "O2"],
  ...["F7", "F8", "T3", "T4", "T5", "T6", "FZ", "CZ", "PZ"],
];
/** TCP bipolar pairs the annotations are written against (those without A1/A2). */
const TCP_CHANNELS = [
  ...["FP1-F7", "F7-T3", "T3-T5", "T5-O1", "FP2-F8", "F8-T4", "T4-T6", "T6-O2", "T3-C3"],
  ...["C3-CZ", "CZ-C4", "C4-T4", "FP1-F3", "F3-C3", "C3-P3", "P3-O1", "FP2-F4", "F4-C4"],
  ...["C4-P4", "P4-O2"],
];
const SEIZURE_LABELS = ["seiz", "fnsz", "gnsz", "cpsz", "absz", "tcsz"] as const;

/** Split sizes in TUSZ v2 proportions (579/53/43 patients), each split non-empty when possible. */
export function tuszSplitSizes(patients: number): TuszCounts {
  const dev = patients >= 2 ? Math.max(1, Math.round((patients * 53) / 675)) : 0;
  const evalN = patients >= 3 ? Math.max(1, Math.round((patients * 43) / 675)) : 0;
  return { train: patients - dev - evalN, dev, eval: evalN };
}

export async function generateTusz(opts: TuszOptions): Promise<DatasetSummary<TuszCounts>> {
  const seed = opts.seed ?? 1;
  const patients = positiveInt(opts.patients ?? 6, "patients");
  const files = positiveInt(opts.files ?? 2 * patients, "files");
  const sampleRate = positiveInt(opts.sampleRate ?? 256, "sampleRate");
  const recordSeconds = opts.recordSeconds ?? 1;
  const base = resolveLabels(opts.channels, ELECTRODES, (i) => `X${i}`);
  const rng = rngFor(seed, "tusz");
  const sizes = drawSizes(
    opts.sizes ?? { minBytes: 32 << 10, maxBytes: 1 << 20 },
    files,
    rngFor(seed, "sizes"),
  );
  const perPatient = spread(files, patients, rng);
  const ids = patientIds(patients, rng);
  const splitOf = new Map<string, TuszSplit>();
  const split = tuszSplitSizes(patients);
  shuffled(ids, rng).forEach((id, i) => {
    splitOf.set(id, i < split.dev ? "dev" : i < split.dev + split.eval ? "eval" : "train");
  });

  const out = await TreeWriter.open(opts.root, { replace: opts.replace ?? false });
  const counts: TuszCounts = { train: 0, dev: 0, eval: 0 };
  const recordings: GeneratedRecording[] = [];
  let fileIndex = 0;
  for (const [p, patient] of ids.entries()) {
    const splitName = splitOf.get(patient) ?? "train";
    const pr = rngFor(seed, "patient", patient);
    const fileCount = perPatient[p] ?? 1;
    const sessionFiles = spread(fileCount, pr.int(1, Math.min(3, fileCount)), pr);
    let sessionNo = 0;
    let year = pr.int(2002, 2016);
    for (const n of sessionFiles) {
      sessionNo += pr.int(1, 3);
      year += pr.int(0, 1);
      const session = `s${pad(sessionNo, 3)}`;
      const montage = pr.pick(TUSZ_MONTAGES);
      const suffix = montage === "02_tcp_le" ? "-LE" : "-REF";
      const labels =
        typeof opts.channels === "object" ? base : base.map((e) => `EEG ${e}${suffix}`);
      const dir = `edf/${splitName}/${patient}/${session}_${year}/${montage}`;
      const { startDate } = edfDateTime(year, pr.int(1, 12), pr.int(1, 28), 0, 0, 0);
      for (let t = 0; t < n; t++) {
        const stem = `${patient}_${session}_t${pad(t, 3)}`;
        const target = sizes[fileIndex++] ?? 1;
        const records = recordsForSize(target, labels.length, sampleRate, recordSeconds);
        const fr = rngFor(seed, "file", stem);
        const { startTime } = edfDateTime(0, 1, 1, fr.int(0, 23), fr.int(0, 59), fr.int(0, 59));
        await out.edf(`${dir}/${stem}.edf`, {
          seed: seedFrom(seed, "signal", stem),
          patientId: `${patient} X X X`,
          recordingId: `Startdate X ${stem} synthetic TUSZ-shaped`,
          startDate,
          startTime,
          labels,
          sampleRate,
          recordSeconds,
          records,
        });
        const duration = records * recordSeconds;
        const csv = labelCsv(stem, duration, fr);
        await out.text(`${dir}/${stem}.csv`, csv.text);
        counts[splitName]++;
        recordings.push({
          edf: `${dir}/${stem}.edf`,
          labels: `${dir}/${stem}.csv`,
          split: splitName,
          patient,
          session: `${session}_${year}`,
          montage,
          durationSeconds: duration,
          sampleRate,
          channels: labels,
          seizures: csv.seizures,
        });
      }
    }
  }
  return out.summary(counts, recordings);
}

/** Ids like TUH's `aaaaadkb`: eight lowercase letters, unique within the dataset. */
function patientIds(n: number, rng: Rng): string[] {
  const ids = new Set<string>();
  const letters = "abcdefghijklmnopqrstuvwxyz";
  while (ids.size < n) {
    let id = "aaaa";
    for (let i = 0; i < 4; i++) id += letters[rng.int(0, 25)];
    ids.add(id);
  }
  return [...ids];
}

/** TUSZ v2 `csv` label file: per TCP channel, bckg around at most one seizure interval. */
function labelCsv(
  stem: string,
  duration: number,
  rng: Rng,
): { text: string; seizures: { start: number; stop: number }[] } {
  const f = (x: number) => x.toFixed(4);
  const lines = [
    "# version = csv_v1.0.0",
    `# bname = ${stem}`,
    `# duration = ${duration.toFixed(2)} secs`,
    "# montage_file = $NEDC_NFC/lib/nedc_eas_tcp_montage.txt",
    "#",
    "channel,start_time,stop_time,label,confidence",
  ];
  const seizure = duration >= 4 && rng.next() < 0.4;
  const start = seizure ? Math.round(rng.next() * duration * 0.6 * 1e4) / 1e4 : duration;
  const stop = seizure
    ? Math.min(duration, start + Math.max(1, Math.round(rng.next() * duration * 0.3)))
    : duration;
  const label = rng.pick(SEIZURE_LABELS);
  for (const ch of TCP_CHANNELS) {
    if (!seizure) {
      lines.push(`${ch},${f(0)},${f(duration)},bckg,1.0000`);
      continue;
    }
    if (start > 0) lines.push(`${ch},${f(0)},${f(start)},bckg,1.0000`);
    lines.push(`${ch},${f(start)},${f(stop)},${label},1.0000`);
    if (stop < duration) lines.push(`${ch},${f(stop)},${f(duration)},bckg,1.0000`);
  }
  // The interval as written (4 decimals), the way a reader of the file sees it.
  const seizures = seizure ? [{ start: Number(f(start)), stop: Number(f(stop)) }] : [];
  return { text: `${lines.join("\n")}\n`, seizures };
}
