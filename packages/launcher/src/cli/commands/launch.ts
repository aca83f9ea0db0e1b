// `pnpm launch <preset>`: plan, preflight, confirm, launch. A thin adapter over operations/.
import { loadProject } from "../../config/project-configs.ts";
import { EXIT, type ExitCode, InterruptedError, PreflightError, UsageError } from "../../errors.ts";
import { launchRun } from "../../operations/launch-run.ts";
import { planJson, planLaunch } from "../../operations/plan-launch.ts";
import { formatUsd } from "../../plan/cost.ts";
import type { LaunchFlags } from "../../plan/request.ts";
import { renderLaunched, renderPlan } from "../render.ts";
import type { Runtime } from "../runtime.ts";

export interface LaunchCommandOptions {
  flags: LaunchFlags;
  dryRun: boolean;
  yes: boolean;
  launchTimeoutS: number;
}

/** Presets whose cost warrants a question before spending it. */
const CONFIRM_PRESETS = new Set(["full"]);

export async function launchCommand(
  rt: Runtime,
  preset: string | undefined,
  o: LaunchCommandOptions,
): Promise<ExitCode> {
  const configs = loadProject(rt.ctx.root);
  // A dry run without a preset plans the cheap one; a real launch always names its preset.
  const presetName = preset ?? (o.dryRun ? "smoke" : undefined);
  if (preset === undefined && o.dryRun) rt.err("no preset given: planning smoke");
  const plan = await planLaunch(rt.ctx, configs, presetName, o.flags, {
    yes: o.yes,
    signal: rt.signal,
    // Modal's CLI retries for about a minute when its servers are unreachable: say what we wait on.
    onProbing: () =>
      rt.err("preflight: modal CLI, credentials and secrets, bucket manifests, git..."),
  });
  if (rt.signal.aborted)
    throw new InterruptedError("interrupted during preflight: nothing launched");
  if (rt.json && o.dryRun) rt.out(JSON.stringify(planJson(plan, true), null, 2));
  else {
    const show = rt.json ? rt.err : rt.out;
    for (const line of renderPlan(plan)) show(line);
  }
  if (!plan.ok) {
    const failed = plan.preflight.filter((c) => !c.ok).map((c) => c.check);
    throw new PreflightError(
      `preflight failed (${failed.join(", ")}): nothing launched`,
      plan.environmental,
    );
  }
  if (o.dryRun) {
    if (!rt.json) rt.out("dry run: preflight passed, nothing launched");
    return EXIT.ok;
  }

  const r = plan.request;
  if (CONFIRM_PRESETS.has(r.preset) && !o.yes) {
    const cost = plan.estimate
      ? `about ${formatUsd(plan.estimate.estimate_usd)}`
      : "an unknown amount";
    if (!rt.interactive) {
      throw new UsageError(
        `a ${r.preset} run costs ${cost}; refusing to launch it without confirmation: no terminal to ask on (pass --yes)`,
      );
    }
    const price = plan.estimate ? ` (price of ${plan.estimate.price_date})` : "";
    const yes = await rt.ask(`Launch ${r.run} on ${r.gpu} for ${cost}${price}?`, rt.signal);
    if (rt.signal.aborted)
      throw new InterruptedError("interrupted at the prompt: nothing launched");
    if (!yes) {
      rt.err("not launched");
      return EXIT.failed;
    }
  }

  rt.err(`starting modal (up to ${o.launchTimeoutS} s for the run to start; Ctrl-C cancels)`);
  const outcome = await launchRun(rt.ctx, plan, {
    signal: rt.signal,
    timeoutMs: o.launchTimeoutS * 1000,
    onLine: (line) => rt.err(`  modal | ${line}`),
  });
  if (rt.json)
    rt.out(JSON.stringify({ launched: true, ...outcome, ...planJson(plan, false) }, null, 2));
  else for (const line of renderLaunched(outcome)) rt.out(line);
  return EXIT.ok;
}
