// Is this run traceable and alone: trainer source, git state, run name, checkpoint, other runs.
import { appIsLive, type ModalApp } from "../../process/modal-json.ts";
import { isActive, type RunRecord } from "../../registry/records.ts";
import type { CheckInput, CheckResult, ListFact } from "../types.ts";

/** A "launching" entry older than this without an app id is a launcher that died before Modal. */
const STALE_LAUNCHING_MS = 2 * 3600 * 1000;

/** The exact commands that put the pinned trainer at `dir` (scripts/trainer.sh runs the same). */
export function trainerFetchCommands(
  pin: { repository: string; commit: string },
  dir: string,
  exists: boolean,
): string {
  return exists
    ? `git -C ${dir} fetch ${pin.repository} && git -C ${dir} checkout ${pin.commit}`
    : `git clone ${pin.repository} ${dir} && git -C ${dir} checkout ${pin.commit}`;
}

export function checkTrainerSource({ req, facts }: CheckInput): CheckResult {
  const t = facts.trainer;
  const check = "trainer-source";
  const pin = req.trainer;
  const short = pin.commit.slice(0, 12);
  const needed = req.action === "train" || req.action === "evaluate";
  const fail = (message: string, fix: string): CheckResult =>
    needed
      ? { check, ok: false, message, fix }
      : { check, ok: true, message: `not needed by action ${req.action} (${message})`, fix: null };
  if (!t.hasDir || !t.hasSrc) {
    return fail(
      `trainer source ${t.dir}/src is missing (the trainer is not part of this repo; pinned at ${short})`,
      trainerFetchCommands(pin, t.dir, false),
    );
  }
  if (!t.git.ok) {
    return fail(
      `${t.dir} is not a git checkout (${t.git.message}), so its commit cannot be checked against the pin ${short}`,
      `move ${t.dir} away, then: ${trainerFetchCommands(pin, t.dir, false)}`,
    );
  }
  if (t.git.sha !== pin.commit) {
    return fail(
      `trainer checkout ${t.dir} is at ${t.git.sha.slice(0, 12)}, not at the pinned ${short} (configs/launch.yaml trainer.commit)`,
      trainerFetchCommands(pin, t.dir, true),
    );
  }
  if (!t.hasMain) {
    return fail(
      `${t.dir}/src has no __main__.py: \`python -m src train\` would fail on the GPU`,
      `check out the trainer's full source: ${trainerFetchCommands(pin, t.dir, true)}`,
    );
  }
  const dirty = t.git.dirty
    ? ` + ${t.git.changed} uncommitted change${t.git.changed === 1 ? "" : "s"} (recorded as trainer_dirty: the image is built from the working tree)`
    : " (clean)";
  return { check, ok: true, message: `${t.dir} at the pinned ${short}${dirty}`, fix: null };
}

export function checkGit({ facts }: CheckInput): CheckResult {
  const g = facts.git;
  const check = "git";
  if (!g.ok) {
    return {
      check,
      ok: false,
      message: `cannot record the commit: ${g.message}`,
      fix: "launch from a git clone of this project so the run can be traced to its code",
    };
  }
  return {
    check,
    ok: true,
    message: g.dirty
      ? `${g.sha.slice(0, 12)} + ${g.changed} uncommitted change${g.changed === 1 ? "" : "s"} (recorded as dirty: the image is built from the working tree)`
      : `${g.sha.slice(0, 12)} (clean)`,
    fix: null,
  };
}

/** Whether a registry entry may still be running, asking Modal's app list when we have it. */
export function stillRunning(r: RunRecord, apps: ListFact<ModalApp>, now: Date): boolean {
  if (!isActive(r)) return false;
  if (apps.state === "listed") {
    const app = r.app_id
      ? apps.items.find((a) => a.app_id === r.app_id)
      : apps.items.find((a) => a.description === r.run);
    if (app) return appIsLive(app.state);
    if (r.app_id) return false; // Modal no longer lists it
  }
  if (r.status === "launching" && r.app_id === null) {
    return now.getTime() - Date.parse(r.created_at) < STALE_LAUNCHING_MS;
  }
  return true;
}

export function checkRunName({ req, facts, now }: CheckInput): CheckResult {
  const check = "run-name";
  const prior = facts.runs.find((r) => r.run === req.run);
  if (!req.resume) {
    if (prior) {
      return {
        check,
        ok: false,
        message: `run ${req.run} already exists (${prior.status}, preset ${prior.preset}); its results would mix with this one in /results/${req.run}`,
        fix: `choose another --name, or continue it with --resume ${req.run}`,
      };
    }
    return { check, ok: true, message: `new run ${req.run}`, fix: null };
  }
  if (!prior) {
    return {
      check,
      ok: false,
      message: `no run ${req.run} in .bgb/runs.jsonl to resume`,
      fix: "`pnpm launch list` shows the runs this machine launched",
    };
  }
  if (prior.action !== "train") {
    return {
      check,
      ok: false,
      message: `run ${req.run} was a ${prior.action} run; only training resumes`,
      fix: "resume a training run",
    };
  }
  if (prior.preset !== req.preset) {
    return {
      check,
      ok: false,
      message: `run ${req.run} was launched with preset ${prior.preset}, not ${req.preset}`,
      fix: `pnpm launch ${prior.preset} --resume ${req.run}`,
    };
  }
  if (stillRunning(prior, facts.apps, now)) {
    return {
      check,
      ok: false,
      message: `run ${req.run} is still ${prior.status}: two launches would write the same last.pt`,
      fix: `wait for it, or \`pnpm launch stop ${req.run}\` first`,
    };
  }
  return {
    check,
    ok: true,
    message: `resumes ${req.run} (${prior.status}) from /results/${req.run}/checkpoints/last.pt`,
    fix: null,
  };
}

const CHECKPOINT_RE = /^\/results\/([A-Za-z0-9][A-Za-z0-9._-]{0,99})\/checkpoints\/[^/]+\.pt$/;

export function checkCheckpoint({ req, facts }: CheckInput): CheckResult | null {
  if (req.action !== "evaluate") return null;
  const check = "checkpoint";
  const example = "/results/<training run>/checkpoints/best.pt";
  if (req.checkpoint === null) {
    return {
      check,
      ok: false,
      message: "evaluation needs a checkpoint",
      fix: `pnpm launch ${req.preset} --checkpoint ${example} (\`pnpm launch list\` shows runs)`,
    };
  }
  const m = CHECKPOINT_RE.exec(req.checkpoint);
  if (!m) {
    const seed = req.checkpoint.endsWith(".ckpt")
      ? " The seed's /results/checkpoints/best.ckpt is never written: checkpoints are .pt files under /results/<run>/checkpoints/."
      : "";
    return {
      check,
      ok: false,
      message: `--checkpoint ${req.checkpoint} is not a training checkpoint path.${seed}`,
      fix: `use ${example}`,
    };
  }
  const trainRun = m[1] as string;
  if (trainRun === req.run) {
    return {
      check,
      ok: false,
      message: `the evaluation's run name equals the training run ${trainRun}`,
      fix: "leave out --name (a new name is generated) or choose another",
    };
  }
  const known = facts.runs.find((r) => r.run === trainRun);
  return {
    check,
    ok: true,
    message: known
      ? `checkpoint of run ${trainRun} (${known.status})`
      : `checkpoint of run ${trainRun} (not launched from this machine; the app checks the file)`,
    fix: null,
  };
}

export function checkConcurrentRun({ req, facts, yes, now }: CheckInput): CheckResult {
  const check = "concurrent-run";
  const others = facts.runs.filter(
    (r) => r.preset === req.preset && r.run !== req.run && stillRunning(r, facts.apps, now),
  );
  if (others.length === 0) {
    return { check, ok: true, message: `no other ${req.preset} run is running`, fix: null };
  }
  const list = others
    .map((r) => `${r.run} (${r.status}${r.app_id ? `, ${r.app_id}` : ""})`)
    .join(", ");
  const unconfirmed =
    facts.apps.state === "listed" ? "" : " (per the local registry; Modal not asked)";
  if (yes) {
    return {
      check,
      ok: true,
      message: `${list} still running${unconfirmed}; launching another because of --yes`,
      fix: null,
    };
  }
  return {
    check,
    ok: false,
    message: `another ${req.preset} run is still running: ${list}${unconfirmed}`,
    fix: `wait for it, stop it (pnpm launch stop ${others[0]?.run}), or pass --yes to launch a second one`,
  };
}
