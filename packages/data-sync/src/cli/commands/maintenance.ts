// `data-sync status | verify | gc <dataset>`: thin adapters over the engine.
import { dirname } from "node:path";
import { EXIT, type ExitCode } from "@bgb/shared";
import { runGc } from "../../engine/gc.ts";
import { openJournal, readJournal } from "../../engine/journal/journal.ts";
import { splitKeyCollisions } from "../../engine/keys.ts";
import { makePlan } from "../../engine/plan.ts";
import { verifyBucket } from "../../engine/verify.ts";
import {
  cancellation,
  makeSource,
  makeStore,
  type TransferFlags,
  transferSettings,
} from "../runtime.ts";
import { ensureStateDir } from "../state-dir.ts";
import { resolveTarget, type TargetFlags } from "../target.ts";
import { formatBytes } from "../units.ts";

type Flags = TargetFlags & TransferFlags;
const print = (json: boolean | undefined, obj: object, lines: string[]) =>
  json
    ? process.stdout.write(`${JSON.stringify(obj)}\n`)
    : process.stdout.write(`${lines.join("\n")}\n`);

/** What a sync would do now, from the journal alone (no request to the bucket). */
export async function statusCommand(dataset: string, flags: Flags): Promise<ExitCode> {
  const t = resolveTarget(dataset, flags);
  const s = transferSettings(flags);
  const { state, damaged } = readJournal(t.journalPath);
  const listed = await (await makeSource(t)).list(t.filter);
  const { unique, collisions } = splitKeyCollisions(listed.entries);
  const listing = { entries: unique, problems: [...listed.problems, ...collisions] };
  const plan = makePlan(listing.entries, state, {
    partSize: s.partSize,
    trustJournal: damaged === 0,
  });
  const pending = plan.items.filter((i) => i.kind !== "skip");
  const open = [...state.uploads.values()];
  const complete = pending.length === 0 && listing.problems.length === 0;
  const obj = {
    event: "status",
    dataset,
    bucket: t.bucket,
    prefix: t.prefix,
    journal: t.journalPath,
    journal_damaged_lines: damaged,
    files_total: plan.totals.files,
    files_synced: plan.totals.skipFiles,
    files_pending: pending.length,
    bytes_total: plan.totals.bytes,
    bytes_pending: plan.totals.bytesToSend,
    unreadable: listing.problems,
    open_uploads: open.map((u) => ({
      key: u.key,
      upload_id: u.uploadId,
      parts_done: u.parts.size,
    })),
    manifest_version: state.manifest?.version ?? null,
    complete,
  };
  print(flags.json, obj, [
    `${dataset}: s3://${t.bucket}/${t.prefix} (journal ${t.journalPath}${damaged ? `, ${damaged} damaged lines` : ""})`,
    `${plan.totals.skipFiles}/${plan.totals.files} files synced; ${pending.length} pending (${formatBytes(plan.totals.bytesToSend)} to send)`,
    ...open.map((u) => `  open upload: ${u.key} (${u.parts.size} parts sent)`),
    ...listing.problems.map((p) => `  unreadable: ${p.relPath}: ${p.message}`),
    state.manifest
      ? `manifest: dataset version ${state.manifest.version}`
      : "manifest: not written yet",
  ]);
  return complete ? EXIT.ok : EXIT.failed;
}

export async function verifyCommand(
  dataset: string,
  flags: Flags & { deep?: boolean },
): Promise<ExitCode> {
  const t = resolveTarget(dataset, flags);
  const s = transferSettings(flags);
  const store = makeStore(t, s);
  const { state } = readJournal(t.journalPath);
  // a store failure that stops the run becomes exit 3 in cli/main.ts (isFatal)
  const r = await verifyBucket(store, t.prefix, state, {
    dataset,
    deep: Boolean(flags.deep),
    concurrency: s.concurrency,
    signal: cancellation(),
  });
  // Unverified is not verified: a size that agrees proves nothing about the bytes.
  const ok = r.problems.length === 0 && r.unverified.length === 0;
  print(flags.json, { event: "verify", dataset, ...r, ok, exit_code: ok ? 0 : 1 }, [
    ...r.problems.map((p) => `  ${p.key}: ${p.problem}`),
    ...r.unverified.map((p) => `  ${p.key}: unverified: ${p.problem}`),
    `${ok ? "verified" : "NOT verified"}: ${r.matched}/${r.files} objects match manifest ${r.manifestKey} (version ${r.version})` +
      (r.problems.length ? `; ${r.problems.length} differ or are missing` : "") +
      (r.unverified.length
        ? `; ${r.unverified.length} unverified (SHA-256 not confirmable from checksums: use --deep)`
        : ""),
  ]);
  return ok ? EXIT.ok : EXIT.failed;
}

export async function gcCommand(
  dataset: string,
  flags: Flags & { all?: boolean; dryRun?: boolean },
): Promise<ExitCode> {
  const t = resolveTarget(dataset, flags);
  const store = makeStore(t, transferSettings(flags));
  if (!flags.dryRun) ensureStateDir(t.stateDir, dirname(t.journalPath), t.stateDirOrigin, true);
  // A real gc holds the journal's lock: a sync running meanwhile could be creating uploads.
  const journal = flags.dryRun
    ? undefined
    : openJournal(t.journalPath, {
        t: "hdr",
        v: 1,
        endpoint: store.endpointLabel,
        bucket: t.bucket,
        prefix: t.prefix,
      });
  const state = journal?.state ?? readJournal(t.journalPath).state;
  const r = await runGc(store, t.prefix, state, {
    all: Boolean(flags.all),
    dryRun: Boolean(flags.dryRun),
    signal: cancellation(),
    ...(journal ? { journal } : {}),
  }).finally(() => journal?.close());
  const exit = r.failed.length ? EXIT.failed : EXIT.ok;
  print(
    flags.json,
    {
      event: "gc",
      dataset,
      dry_run: Boolean(flags.dryRun),
      uploads: r.decisions.map((d) => ({
        key: d.upload.key,
        upload_id: d.upload.uploadId,
        action: d.action,
        reason: d.reason,
      })),
      aborted: r.aborted,
      failed: r.failed,
      exit_code: exit,
    },
    [
      ...r.decisions.map(
        (d) =>
          `${d.action === "abort" ? (flags.dryRun ? "would abort" : "aborted") : "kept"}: ${d.upload.key} (${d.reason})`,
      ),
      ...r.failed.map((f) => `failed: ${f.key}: ${f.error}`),
      `${r.decisions.length} open uploads under s3://${t.bucket}/${t.prefix}; ${flags.dryRun ? "would abort" : "aborted"} ${flags.dryRun ? r.decisions.filter((d) => d.action === "abort").length : r.aborted}`,
    ],
  );
  return exit;
}
