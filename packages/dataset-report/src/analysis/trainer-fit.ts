// What the trainer (brain-go-brr-v2 v3.1.1, src/brain_brr/data/io.py load_edf_file) can load:
// it cleans each channel name (drops spaces, an "EEG" prefix, a -LE/-REF/-AR suffix), matches
// the 19 10-20 channels case-insensitively with synonyms T7/T8/P7/P8, interpolates a missing
// Fz/Pz, and raises for any other missing channel. It resamples to 256 Hz and band-passes
// (default 0.5-120 Hz), so a recording whose Nyquist frequency is at or below the band's upper
// edge has nothing to give the top of the band.

export const TRAINER_CHANNELS = [
  ...["Fp1", "F3", "C3", "P3", "F7", "T3", "T5", "O1", "Fz", "Cz", "Pz"],
  ...["Fp2", "F4", "C4", "P4", "F8", "T4", "T6", "O2"],
] as const;
const SYNONYMS: Record<string, string> = { T7: "T3", T8: "T4", P7: "T5", P8: "T6" };
const INTERPOLATED = new Set(["Fz", "Pz"]);
export const TRAINER_SAMPLE_RATE = 256;
export const TRAINER_BANDPASS_HIGH_HZ = 120;

/** A label as the trainer names it after its clean-up (canonical case when it is a 10-20 one). */
export function trainerChannelName(label: string): string {
  let name = label.replace(/ /g, "");
  if (name.startsWith("EEG")) name = name.slice(3);
  for (const suffix of ["-LE", "-REF", "-AR"]) {
    if (name.endsWith(suffix)) {
      name = name.slice(0, -suffix.length);
      break;
    }
  }
  const canonical = TRAINER_CHANNELS.find((c) => c.toUpperCase() === name.toUpperCase());
  const named = canonical ?? name;
  return SYNONYMS[named] ?? named;
}

export interface ChannelFit {
  /** Index into the EDF's data signals of each trainer channel found, in trainer order. */
  used: number[];
  /** Channels the trainer would interpolate (Fz/Pz). */
  interpolated: string[];
  /** Channels that make the trainer refuse the file. */
  missing: string[];
}

export function channelFit(labels: readonly string[]): ChannelFit {
  const names = labels.map(trainerChannelName);
  const used: number[] = [];
  const absent: string[] = [];
  for (const c of TRAINER_CHANNELS) {
    const i = names.indexOf(c);
    if (i >= 0) used.push(i);
    else absent.push(c);
  }
  const onlyMidline = absent.every((c) => INTERPOLATED.has(c));
  return {
    used,
    interpolated: onlyMidline ? absent : [],
    missing: onlyMidline ? [] : absent,
  };
}

/** Why the trainer cannot use these rates (of the channels it reads), or null. */
export function rateProblem(rates: readonly number[], bandpassHighHz: number): string | null {
  const distinct = [...new Set(rates)].sort((a, b) => a - b);
  if (distinct.length > 1)
    return `channels at different rates (${distinct.join(", ")} Hz; MNE resamples them to the highest)`;
  const [rate] = distinct;
  if (rate !== undefined && rate / 2 <= bandpassHighHz)
    return `${rate} Hz: Nyquist ${rate / 2} Hz is at or below the band-pass edge ${bandpassHighHz} Hz`;
  return null;
}
