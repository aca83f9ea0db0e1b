#!/usr/bin/env node
// `pnpm demo`: the README's main job on a fresh machine with no cloud account. Local S3, a
// generated dataset, a sync killed part-way and resumed, a verify, and a report of what moved.
import "@bgb/shared/aws-sdk-node20";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { clientFor, type S3Server, startS3Server } from "@bgb/testkit";
import { formatBytes } from "../src/cli/units.ts";
import { MiB } from "../src/engine/part-size.ts";
import { bucketBytes } from "./bucket-bytes.ts";
import { type Child, runCli, stopCurrent } from "./cli-runs.ts";
import {
  DEMO_BUCKET,
  DEMO_DATASET,
  DEMO_PART_SIZE,
  DEMO_PREFIX,
  generateDataset,
  writeDemoConfig,
} from "./dataset.ts";
import { type DemoOptions, parseDemoArgs } from "./options.ts";
import { type DemoFacts, reportLines } from "./report.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);
const now = () => performance.now() / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class DemoFailed extends Error {}
let interrupted = false;
const check = () => {
  if (interrupted) throw new DemoFailed("interrupted");
};

/** Polls the bucket until `threshold` bytes are in it, then SIGKILLs the sync (a crash, not a stop). */
async function killWhenInBucket(
  run: Child,
  client: ReturnType<typeof clientFor>,
  threshold: number,
): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const exited = await Promise.race([run.done, sleep(200).then(() => undefined)]);
    check();
    if (exited) {
      throw new DemoFailed(
        exited.code === 0
          ? "the first sync finished before it could be interrupted (lower --kill-at)"
          : `the first sync stopped on its own with exit ${exited.code}`,
      );
    }
    const b = await bucketBytes(client, DEMO_BUCKET, DEMO_PREFIX);
    if (b.objectBytes + b.partBytes >= threshold || Date.now() > deadline) break;
  }
  run.proc.kill("SIGKILL");
  await run.done;
  if (Date.now() > deadline) throw new DemoFailed("the first sync made no headway in 3 minutes");
}

async function demo(work: string, server: S3Server, opts: DemoOptions, t0: number) {
  const client = clientFor(server);
  await client.send(new CreateBucketCommand({ Bucket: DEMO_BUCKET }));
  say(
    `demo: generating a TUSZ-shaped dataset of ${formatBytes(opts.sizeBytes)} (seed ${opts.seed}) ...`,
  );
  const data = join(work, "tuh_eeg_seizure_demo");
  const ds = await generateDataset(data, opts.sizeBytes, opts.seed);
  check();
  const config = join(work, "datasets.yaml");
  writeDemoConfig(config, data, server.endpoint);
  const common = [DEMO_DATASET, "--config", config, "--state-dir", join(work, "state")];
  // credentials for the local server, through the standard AWS chain
  const env = { ...process.env, ...server.env };
  const facts: Partial<DemoFacts> & { timings: [string, number][] } = {
    files: ds.files.length,
    bytesTotal: ds.bytesTotal,
    bigFiles: ds.files.filter((f) => f.size > DEMO_PART_SIZE).length,
    partSize: DEMO_PART_SIZE,
    timings: [["setup", now() - t0]],
  };
  say(`demo: ${ds.files.length} files, ${formatBytes(ds.bytesTotal)} in ${data}`);

  // 1. A capped first sync so the kill lands mid-transfer, whatever the machine's speed.
  const rate = Math.max(MiB, Math.round((ds.bytesTotal * opts.killAt) / 6));
  const partArgs = ["--part-size", `${DEMO_PART_SIZE / MiB}MiB`];
  say(
    `\ndemo: sync #1  pnpm sync ${DEMO_DATASET} --bwlimit ${formatBytes(rate)}/s  (killed with SIGKILL once ${Math.round(opts.killAt * 100)}% is in the bucket)`,
  );
  const t1 = now();
  const first = runCli(
    "sync",
    [...common, ...partArgs, "--bwlimit", String(rate), "--progress-interval", "2"],
    env,
    { json: false },
  );
  await killWhenInBucket(first, client, opts.killAt * ds.bytesTotal);
  facts.killedAfterS = now() - t1;
  facts.timings.push(["first sync", facts.killedAfterS]);
  const atKill = await bucketBytes(client, DEMO_BUCKET, DEMO_PREFIX);
  facts.bytesAtKill = atKill.objectBytes + atKill.partBytes;
  facts.uploadsOpenAtKill = atKill.openUploads;
  facts.partsAtKill = atKill.parts;
  say(
    `\ndemo: killed. In the bucket: ${formatBytes(facts.bytesAtKill)} (${atKill.parts} part(s) of ${atKill.openUploads} unfinished multipart upload(s), plus whole objects)`,
  );

  // 2. The same command again: it continues every upload from its completed parts.
  say(`\ndemo: sync #2  pnpm sync ${DEMO_DATASET} --json  (resume; events summarised below)`);
  const t2 = now();
  let summary: Record<string, unknown> | undefined;
  const resume = runCli("sync", [...common, ...partArgs, "--json"], env, {
    json: true,
    onEvent: (e) => {
      const line = describeEvent(e);
      if (line) say(`  ${line}`);
      if (e.event === "summary") summary = e;
    },
  });
  const resumed = await resume.done;
  check();
  facts.resumeS = now() - t2;
  facts.timings.push(["resume", facts.resumeS]);
  facts.resumeExit = resumed.code;
  facts.resumeBytesSent = Number(summary?.bytes_sent ?? Number.NaN);
  const manifestVersion = String(summary?.manifest_version ?? "");

  // 3. Verify the bucket against the manifest, as the GPU side would trust it.
  say(`\ndemo: pnpm data-sync verify ${DEMO_DATASET}`);
  const t3 = now();
  let verify: Record<string, unknown> | undefined;
  const v = runCli("data-sync", ["verify", ...common, "--json"], env, {
    json: true,
    onEvent: (e) => {
      if (e.event === "verify") verify = e;
      if (e.event === "error") say(`  error: ${e.message}`);
    },
  });
  const verified = await v.done;
  check();
  facts.timings.push(["verify", now() - t3]);
  const problems = (verify?.problems as unknown[] | undefined) ?? [];
  facts.verifyOk = verified.code === 0 && verify?.ok === true && verify.version === manifestVersion;
  facts.verifyLine = verify
    ? `${Number(verify.checked) - problems.length}/${verify.files} objects match the manifest`
    : `no result (exit ${verified.code})`;
  facts.version = manifestVersion;
  const open = await client.send(
    new ListMultipartUploadsCommand({ Bucket: DEMO_BUCKET, Prefix: DEMO_PREFIX }),
  );
  facts.uploadsOpenAtEnd = open.Uploads?.length ?? 0;

  for (const line of reportLines(facts as DemoFacts)) say(line);
  const failures = [
    facts.resumeExit !== 0 && `the resume exited with ${facts.resumeExit}`,
    !(facts.resumeBytesSent < ds.bytesTotal) && "the resume sent the whole dataset again",
    !facts.verifyOk && "verify did not confirm the bucket",
    facts.uploadsOpenAtEnd > 0 && "multipart uploads were left open",
  ].filter((x): x is string => typeof x === "string");
  if (failures.length > 0) throw new DemoFailed(failures.join("; "));
  if (opts.keep)
    say(`kept: ${work} (dataset, datasets.yaml, journal; bucket files in ${join(work, "s3")})`);
}

function describeEvent(e: Record<string, unknown>): string | undefined {
  switch (e.event) {
    case "plan":
      return `plan: ${e.files} files; ${e.to_upload} to upload or resume, ${e.to_check} to check against the bucket, ${e.to_skip} already done; at most ${formatBytes(Number(e.bytes_to_send))} to send`;
    case "file_done":
      return e.outcome === "resumed" ? `resumed ${e.key}: ${e.reason}` : undefined;
    case "restart":
      return `restarted ${e.key}: ${e.reason}`;
    case "file_failed":
      return `FAILED ${e.key}: ${e.error}`;
    case "warning":
      return `warning: ${e.message}`;
    case "manifest":
      return `manifest ${e.key} written: dataset version ${e.version}`;
    case "summary":
      return `done: ${e.files_uploaded} uploaded, ${e.files_skipped} unchanged, ${e.files_failed} failed; sent ${formatBytes(Number(e.bytes_sent))} (exit ${e.exit_code})`;
    case "error":
      return `error: ${e.message}`;
    default:
      return undefined;
  }
}

async function main(): Promise<number> {
  const opts = parseDemoArgs(process.argv.slice(2));
  const started = now();
  const work = mkdtempSync(join(tmpdir(), "bgb-demo-"));
  process.on("SIGINT", () => {
    interrupted = true;
    stopCurrent("SIGINT");
  });
  let server: S3Server | undefined;
  try {
    say(
      "demo: starting a local S3 server (versitygw; the first run builds it with go install) ...",
    );
    server = await startS3Server(opts.keep ? { root: join(work, "s3") } : {});
    check();
    await demo(work, server, opts, started);
    say(`demo: all good in ${(now() - started).toFixed(1)} s`);
    return 0;
  } catch (err) {
    say(`demo: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    return interrupted ? 130 : 1;
  } finally {
    stopCurrent("SIGKILL");
    await server?.stop();
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

process.exit(await main());
