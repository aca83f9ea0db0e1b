// Where recordings and their label files sit, from paths alone (relative, POSIX).
//   tusz:   edf/{train,dev,eval}/<patient>/<session>/<montage>/<patient>_<session>_<token>.edf,
//           label `<same stem>.csv` beside it (the file the trainer reads)
//   chbmit: chbNN/chbNN_MM.edf, labels in chbNN/chbNN-summary.txt

export type ReportLayout = "tusz" | "chbmit";

export interface RecordingPlace {
  edf: string;
  split: string;
  /** TUSZ: the file-name prefix before "_", the trainer's patient id; CHB-MIT: the folder. */
  patient: string;
  session: string | null;
  montage: string | null;
  /** The label file that must describe this recording. */
  labelFile: string;
}

export interface LayoutScan {
  recordings: RecordingPlace[];
  /** Every label file present (the source reads these; orphans are found among them). */
  labelFiles: string[];
  /** EDF files the layout does not place (not reported on). */
  outside: string[];
}

export const TUSZ_SPLITS = ["train", "dev", "eval"] as const;

export function scanLayout(layout: ReportLayout, paths: readonly string[]): LayoutScan {
  return layout === "tusz" ? scanTusz(paths) : scanChbmit(paths);
}

const isEdf = (p: string) => p.toLowerCase().endsWith(".edf");

function scanTusz(paths: readonly string[]): LayoutScan {
  const out: LayoutScan = { recordings: [], labelFiles: [], outside: [] };
  for (const path of paths) {
    const parts = path.split("/");
    if (parts[0] !== "edf") continue;
    if (path.endsWith(".csv")) out.labelFiles.push(path);
    if (!isEdf(path)) continue;
    const [, split, , session, montage, name] = parts;
    if (parts.length !== 6 || !(TUSZ_SPLITS as readonly string[]).includes(split as string)) {
      out.outside.push(path);
      continue;
    }
    const stem = (name as string).slice(0, -4);
    out.recordings.push({
      edf: path,
      split: split as string,
      patient: stem.split("_")[0] as string,
      session: session as string,
      montage: montage as string,
      labelFile: `${parts.slice(0, 5).join("/")}/${stem}.csv`,
    });
  }
  return out;
}

function scanChbmit(paths: readonly string[]): LayoutScan {
  const out: LayoutScan = { recordings: [], labelFiles: [], outside: [] };
  for (const path of paths) {
    const parts = path.split("/");
    if (parts.length === 2 && /^chb\d+-summary\.txt$/.test(parts[1] as string))
      out.labelFiles.push(path);
    if (!isEdf(path)) continue;
    const [patient] = parts;
    if (parts.length !== 2 || !/^chb\d+$/.test(patient as string)) {
      out.outside.push(path);
      continue;
    }
    out.recordings.push({
      edf: path,
      split: "all",
      patient: patient as string,
      session: null,
      montage: null,
      labelFile: `${patient}/${patient}-summary.txt`,
    });
  }
  return out;
}
