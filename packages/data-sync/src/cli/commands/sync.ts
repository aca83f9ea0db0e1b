// `pnpm sync <dataset>`: the thin adapter from flags to runSync and back to output.
import { dirname } from "node:path";
import { describeEndpoint, EXIT, type ExitCode } from "@bgb/shared";
import { UsageError } from "../../engine/errors.ts";
import type { Plan } from "../../engine/plan.ts";
import { runSync, type SyncSummary } from "../../engine/sync.ts";
import {
  cancellation,
  makeRenderer,
  makeSource,
  makeStore,
  type TransferFlags,
  transferSettings,
} from "../runtime.ts";
import { ensureStateDir } from "../state-dir.ts";
import { resolveTarget, type Target, type TargetFlags } from "../target.ts";
import { formatBytes, formatDuration, parseSize } from "../units.ts";
import { uploadDatasetReport } from "./report-upload.ts";

export interface SyncFlags extends TargetFlags, TransferFlags {
  dryRun?: boolean;
  copyThreshold?: string;
  verifyRemote?: boolean;
  /** list every file in the dry run's output (the totals come first either way) */
  verbose?: boolean;
  /** write the manifest although the .edf counts differ from expected_counts */
  allowPartial?: boolean;
}

const GB = 1e9;

/** Dollars with enough digits that a small dataset is not "$0.00": 2 significant below $1. */
export function formatUsd(x: number): string {
  if (x === 0) return "$0";
  if (x >= 1) return `$${x.toFixed(2)}`;
  return `$${x.toPrecision(2).replace(/^(-?)0?\./, "$10.")}`;
}

function fileLines(plan: Plan, path: SyncSummary["path"]): string[] {
  const lines: string[] = [];
  for (const it of plan.items) {
    const what =
      it.kind === "skip"
        ? "skip    "
        : it.kind === "check"
          ? "check   "
          : it.kind === "put"
            ? path === "copy"
              ? "copy    "
              : "put     "
            : path === "copy"
              ? "partcopy "
              : "multipart";
    lines.push(
      `${what} ${formatBytes(it.entry.size).padStart(10)}  ${it.entry.relPath}  (${it.reason})`,
    );
  }
  return lines;
}

/** The answer first: totals, requests, cost; one line per file only when asked (--verbose). */
function dryRunLines(t: Target, plan: Plan, path: SyncSummary["path"], verbose: boolean): string[] {
  const lines: string[] = [];
  const tt = plan.totals;
  const cost = t.usdPerGbMonth !== undefined ? (tt.bytes / GB) * t.usdPerGbMonth : undefined;
  const adopt =
    tt.adoptFiles > 0
      ? ` (${tt.adoptFiles} listed in the bucket's manifest: hashed here and adopted if they match, nothing sent)`
      : "";
  lines.push(
    `plan: ${tt.files} files, ${formatBytes(tt.bytes)}; ${tt.uploadFiles} to upload, ${tt.checkFiles} to check${adopt}, ${tt.skipFiles} unchanged`,
    ...(path === "copy"
      ? [
          `from: ${t.source} -> s3://${t.bucket}/${t.prefix}, server-side copy on ${describeEndpoint(t.endpoint)} (streamed instead if the copy is refused)`,
          `to copy: ${formatBytes(tt.bytesToSend)} server-side in about ${tt.requests} requests; through this machine: ${formatBytes(tt.bytesThroughMachine)}${tt.bytesThroughMachine > 0 ? " (multipart copies are read back and hashed)" : ""}`,
        ]
      : [
          ...(path === "stream"
            ? [`from: ${t.source} -> s3://${t.bucket}/${t.prefix}, streamed through this machine`]
            : []),
          `to send: ${formatBytes(tt.bytesToSend)} in about ${tt.requests} requests to s3://${t.bucket}/${t.prefix}; through this machine: ${formatBytes(tt.bytesThroughMachine)}`,
        ]),
    cost !== undefined
      ? `storage: ${t.storageClass} about ${formatUsd(cost)}/month for ${formatBytes(tt.bytes)} (prices of ${t.priceDate})`
      : `storage: ${t.storageClass} (no price in datasets.yaml storage_prices)`,
  );
  if (verbose) lines.push(...fileLines(plan, path));
  else if (tt.files > 0) lines.push("(--verbose lists every file)");
  return lines;
}

/** CopyObject takes at most 5 GiB; a lower threshold makes parts (tests, or faster big copies). */
function copyThreshold(raw: string): number {
  const n = parseSize("--copy-threshold", raw);
  if (n < 1 || n > 5 * 1024 ** 3)
    throw new UsageError(`--copy-threshold: ${raw} is outside 1B..5GiB (S3's CopyObject limit)`);
  return n;
}

export function exitCodeOf(s: SyncSummary): ExitCode {
  if (s.interrupted) return EXIT.interrupted;
  // a refused manifest: the dataset is not usable for training, scripts must not go on
  return s.files_failed > 0 || s.manifest_refused ? EXIT.failed : EXIT.ok;
}

export async function syncCommand(dataset: string, flags: SyncFlags): Promise<ExitCode> {
  const target = resolveTarget(dataset, flags);
  const settings = transferSettings(flags);
  // a dry run writes nothing: it only checks that the journals could be written
  ensureStateDir(
    target.stateDir,
    dirname(target.journalPath),
    target.stateDirOrigin,
    !flags.dryRun,
  );
  const renderer = makeRenderer(flags);
  const signal = cancellation();
  const started = Date.now();
  const source = await makeSource(target, settings, signal);
  const store = makeStore(target, settings);
  const summary = await runSync({
    dataset,
    layout: target.layout,
    source,
    store,
    prefix: target.prefix,
    storageClass: target.storageClass,
    filter: target.filter,
    journalPath: target.journalPath,
    concurrency: settings.concurrency,
    partSize: settings.partSize,
    memoryBudget: settings.memoryBudget,
    memoryLimit: settings.maxMemory,
    bytesPerSecond: settings.bytesPerSecond,
    stallTimeoutMs: settings.stallTimeoutMs,
    verifyRemote: Boolean(flags.verifyRemote),
    dryRun: Boolean(flags.dryRun),
    ...(flags.copyThreshold ? { copyThreshold: copyThreshold(flags.copyThreshold) } : {}),
    expectedCounts: target.expectedCounts,
    allowPartial: Boolean(flags.allowPartial),
    signal,
    emit: (e) => renderer.event(e),
  });
  const exit_code = exitCodeOf(summary);
  const secs = (Date.now() - started) / 1000;
  const report = summary.manifest_version
    ? await uploadDatasetReport(target, source, store, summary.manifest_version, signal)
    : undefined;
  if (report?.state === "failed") renderer.event({ event: "warning", message: report.line });
  const { plan, failures, ...counts } = summary;
  const human = plan
    ? dryRunLines(target, plan, summary.path, Boolean(flags.verbose))
    : [
        `${summary.interrupted ? "interrupted" : "done"}: ${counts.files_uploaded} uploaded, ${counts.files_adopted ? `${counts.files_adopted} adopted (already in the bucket, not sent), ` : ""}${counts.files_skipped} unchanged, ${counts.files_failed} failed of ${counts.files_total} files; sent ${formatBytes(counts.bytes_sent)} in ${formatDuration(secs)} (${formatBytes(counts.bytes_sent / Math.max(secs, 0.001))}/s)`,
        ...(summary.path === "copy"
          ? [
              `copied ${formatBytes(counts.bytes_copied)} server-side; through this machine: ${formatBytes(counts.bytes_through_machine)}${counts.bytes_read_back > 0 ? ` (${formatBytes(counts.bytes_read_back)} read back to verify multipart copies)` : ""}`,
            ]
          : []),
        ...failures.map((f) => `  failed: ${f.key}: ${f.error}`),
        ...(summary.manifest_refused
          ? [
              `manifest not written: .edf counts differ from expected_counts in datasets.yaml (${summary.manifest_refused}); finish the download, or pass --allow-partial to write it anyway`,
            ]
          : []),
        ...(report && report.state !== "failed" ? [report.line] : []),
        ...(summary.interrupted ? ["run the same command again to continue where it stopped"] : []),
      ];
  renderer.finish(
    {
      dataset,
      bucket: target.bucket,
      prefix: target.prefix,
      dry_run: Boolean(flags.dryRun),
      ...counts,
      ...(plan
        ? {
            plan: {
              files: plan.totals.files,
              bytes: plan.totals.bytes,
              to_upload: plan.totals.uploadFiles,
              to_check: plan.totals.checkFiles,
              to_adopt: plan.totals.adoptFiles,
              to_skip: plan.totals.skipFiles,
              bytes_to_send: plan.totals.bytesToSend,
              bytes_through_machine: plan.totals.bytesThroughMachine,
              requests: plan.totals.requests,
              storage_class: target.storageClass,
              usd_per_month:
                target.usdPerGbMonth !== undefined
                  ? (plan.totals.bytes / GB) * target.usdPerGbMonth
                  : null,
              ...(flags.verbose
                ? {
                    items: plan.items.map((i) => ({
                      key: i.entry.relPath,
                      size: i.entry.size,
                      action: i.kind,
                      reason: i.reason,
                    })),
                  }
                : {}),
            },
          }
        : {}),
      failures,
      ...(report
        ? {
            report: {
              key: report.key,
              state: report.state,
              ...("errors" in report ? { errors: report.errors, warnings: report.warnings } : {}),
            },
          }
        : {}),
      seconds: Math.round(secs * 1000) / 1000,
      // resourceUsage().maxRSS is in KiB: the peak resident memory of this process
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
      exit_code,
    },
    human,
  );
  return exit_code;
}
