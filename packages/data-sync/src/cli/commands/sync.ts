// `pnpm sync <dataset>`: the thin adapter from flags to runSync and back to output.
import { EXIT, type ExitCode } from "../../engine/errors.ts";
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
import { resolveTarget, type Target, type TargetFlags } from "../target.ts";
import { formatBytes, formatDuration } from "../units.ts";
import { uploadDatasetReport } from "./report-upload.ts";

export interface SyncFlags extends TargetFlags, TransferFlags {
  dryRun?: boolean;
  verifyRemote?: boolean;
}

const GB = 1e9;

function dryRunLines(t: Target, plan: Plan): string[] {
  const lines: string[] = [];
  for (const it of plan.items) {
    const what =
      it.kind === "skip"
        ? "skip    "
        : it.kind === "check"
          ? "check   "
          : it.kind === "put"
            ? "put     "
            : "multipart";
    lines.push(
      `${what} ${formatBytes(it.entry.size).padStart(10)}  ${it.entry.relPath}  (${it.reason})`,
    );
  }
  const tt = plan.totals;
  const cost = t.usdPerGbMonth !== undefined ? (tt.bytes / GB) * t.usdPerGbMonth : undefined;
  lines.push(
    `plan: ${tt.files} files, ${formatBytes(tt.bytes)}; ${tt.uploadFiles} to upload, ${tt.checkFiles} to check, ${tt.skipFiles} unchanged`,
    `to send: ${formatBytes(tt.bytesToSend)} in about ${tt.requests} requests to s3://${t.bucket}/${t.prefix}`,
    cost !== undefined
      ? `storage: ${t.storageClass} about $${cost.toFixed(2)}/month for ${(tt.bytes / GB).toFixed(2)} GB (prices of ${t.priceDate})`
      : `storage: ${t.storageClass} (no price in datasets.yaml storage_prices)`,
  );
  return lines;
}

export function exitCodeOf(s: SyncSummary): ExitCode {
  if (s.interrupted) return EXIT.interrupted;
  return s.files_failed > 0 ? EXIT.someFailed : EXIT.ok;
}

export async function syncCommand(dataset: string, flags: SyncFlags): Promise<ExitCode> {
  const target = resolveTarget(dataset, flags);
  const settings = transferSettings(flags);
  const renderer = makeRenderer(flags);
  const signal = cancellation();
  const started = Date.now();
  const source = await makeSource(target);
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
  const human = flags.dryRun
    ? dryRunLines(target, plan)
    : [
        `${summary.interrupted ? "interrupted" : "done"}: ${counts.files_uploaded} uploaded, ${counts.files_skipped} unchanged, ${counts.files_failed} failed of ${counts.files_total} files; sent ${formatBytes(counts.bytes_sent)} in ${formatDuration(secs)} (${formatBytes(counts.bytes_sent / Math.max(secs, 0.001))}/s)`,
        ...failures.map((f) => `  failed: ${f.key}: ${f.error}`),
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
      ...(flags.dryRun
        ? {
            plan: {
              ...plan.totals,
              storage_class: target.storageClass,
              usd_per_month:
                target.usdPerGbMonth !== undefined
                  ? (plan.totals.bytes / GB) * target.usdPerGbMonth
                  : null,
              items: plan.items.map((i) => ({
                key: i.entry.relPath,
                size: i.entry.size,
                action: i.kind,
                reason: i.reason,
              })),
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
