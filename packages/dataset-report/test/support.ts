// Shared helpers: generated trees in self-cleaning temp folders, and the figures a report must
// show, computed straight from what the generator says it wrote.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GeneratedRecording } from "@bgb/testkit";
import { afterAll } from "vitest";

export function tempDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const d = await mkdtemp(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}

export function expectedFigures(recs: readonly GeneratedRecording[]) {
  const seconds = recs.reduce((n, r) => n + r.durationSeconds, 0);
  const seizureSeconds = recs.reduce(
    (n, r) => n + r.seizures.reduce((m, s) => m + (s.stop - s.start), 0),
    0,
  );
  const tally = (keys: string[]) => {
    const out: Record<string, number> = {};
    for (const k of keys) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  return {
    patients: new Set(recs.map((r) => r.patient)).size,
    sessions:
      recs[0]?.session === null ? null : new Set(recs.map((r) => `${r.patient}/${r.session}`)).size,
    recordings: recs.length,
    hours: seconds / 3600,
    montages: tally(recs.map((r) => r.montage ?? `${r.channels.length} channels`)),
    sample_rates: tally(recs.map((r) => String(r.sampleRate))),
    seizure_events: recs.reduce((n, r) => n + r.seizures.length, 0),
    seizure_hours: seizureSeconds / 3600,
    seizure_share: seconds > 0 ? seizureSeconds / seconds : 0,
    recordings_without_seizure: recs.filter((r) => r.seizures.length === 0).length,
    unreadable: 0,
    unlabelled: 0,
  };
}
