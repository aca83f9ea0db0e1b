import { didYouMean } from "../load/did-you-mean.ts";
import type { RuleSink } from "../load/issues.ts";
import { sensitivityMetricName } from "../load/py-float.ts";
import type { DeepPartial } from "../load/salvage.ts";
import type { TrainingConfig } from "../schemas/training.ts";

const HIGHER_IS_BETTER = /^(sensitivity|auroc|taes|pr_auc)/;
// Validation metrics the pinned trainer computes each epoch, besides sensitivity_at_<rate>fa per
// evaluation.fa_rates (eval/metrics.py evaluate_predictions, plus val_loss from train/loop.py).
// evaluation.metrics is not consulted by the loop: "sensitivity" or "specificity" match nothing.
const EPOCH_METRICS = ["taes", "auroc", "pr_auc", "ece", "val_loss"];
// What the pinned trainer's loop does with data.split_policy (train/loop.py raises otherwise).
const SPLIT_POLICIES = ["official_tusz", "custom"];

const trimSlash = (p: string) => p.replace(/\/+$/, "");

// The pinned trainer's own cross-field validators (schemas.py: bandpass, hysteresis, durations;
// odd morphology kernels are in the zod schema), then checks of what it accepts but gets wrong.
export function trainingRules(c: DeepPartial<TrainingConfig>, out: RuleSink): void {
  const band = c.preprocessing?.bandpass;
  if (band && band.length === 2) {
    const [low, high] = band as [number, number];
    if (low >= high)
      out.error("preprocessing.bandpass", `low ${low} Hz must be below high ${high} Hz`);
    if (low < 0.1 || high > 200)
      out.error("preprocessing.bandpass", `[${low}, ${high}] Hz must lie within [0.1, 200] Hz`);
  }

  const h = c.postprocessing?.hysteresis;
  if (h?.tau_on !== undefined && h.tau_off !== undefined && !(h.tau_on > h.tau_off)) {
    out.error(
      "postprocessing.hysteresis.tau_on",
      `tau_on (${h.tau_on}) must be greater than tau_off (${h.tau_off})`,
    );
  }

  const d = c.postprocessing?.duration;
  if (
    d?.min_duration_s !== undefined &&
    d.max_duration_s !== undefined &&
    d.min_duration_s > d.max_duration_s
  ) {
    out.error(
      "postprocessing.duration.min_duration_s",
      `min_duration_s (${d.min_duration_s}) must not exceed max_duration_s (${d.max_duration_s})`,
    );
  }

  // --- Accepted by the trainer's schema, but fails or misbehaves once the GPU is paid for. ---

  const data = c.data;
  if (data?.split_policy !== undefined && !SPLIT_POLICIES.includes(data.split_policy)) {
    out.error(
      "data.split_policy",
      `the trainer's loop stops with "Unknown split_policy: ${data.split_policy}" after the GPU has started`,
      didYouMean(data.split_policy, SPLIT_POLICIES) ?? `use ${SPLIT_POLICIES.join(" or ")}`,
    );
  }
  if (data?.split_policy === "official_tusz" && data.dataset === "chb_mit") {
    out.error(
      "data.split_policy",
      "CHB-MIT has no official train/dev/eval folders",
      "use split_policy: custom with a split_seed",
    );
  }
  // train/loop.py passes persistent_workers and prefetch_factor only when num_workers > 0.
  if (data?.persistent_workers === true && data.num_workers === 0) {
    out.warn(
      "data.persistent_workers",
      "ignored with num_workers 0 (the data loads in the training process)",
      "set num_workers > 0 or persistent_workers: false",
    );
  }

  // models/detector.py asserts it when the model is built (after the data is loaded).
  const edm = c.model?.graph?.edge_mamba_d_model;
  if (typeof edm === "number" && edm % 8 !== 0) {
    out.error(
      "model.graph.edge_mamba_d_model",
      `must be a multiple of 8 for the CUDA kernels (got ${edm}); the trainer asserts it when it builds the model`,
      `use ${Math.max(8, Math.round(edm / 8) * 8)}`,
    );
  }
  const g = c.model?.graph;
  if (c.model !== undefined && (g === undefined || g === null || g.enabled !== true)) {
    out.warn(
      "model.graph",
      "the v3 model runs without its graph stage (model.graph.enabled is not true)",
      "upstream's configs/modal/train.yaml sets graph.enabled: true",
    );
  }

  earlyStoppingMetric(c, out);

  const t = c.training;
  if (t?.gradient_accumulation_steps !== undefined && t.gradient_accumulation_steps !== 1) {
    out.warn(
      "training.gradient_accumulation_steps",
      `the trainer's schema accepts ${t.gradient_accumulation_steps} but its training loop never reads it: every step updates the weights`,
      "remove it (or set 1)",
    );
  }

  // The loop prints a warning when they differ; the app rewrites both to one path anyway.
  const dataCache = c.data?.cache_dir;
  const expCache = c.experiment?.cache_dir;
  if (
    dataCache !== undefined &&
    expCache !== undefined &&
    trimSlash(dataCache) !== trimSlash(expCache)
  ) {
    out.warn(
      "experiment.cache_dir",
      `differs from data.cache_dir (${dataCache}); the trainer's window cache is data.cache_dir only`,
      `set both to ${dataCache}`,
    );
  }

  // The trainer ignores AMP on a CPU; a GPU preset with device cpu leaves the GPU idle.
  if (c.experiment?.device === "cpu" && c.training?.mixed_precision === true) {
    out.warn(
      "training.mixed_precision",
      "ignored: mixed precision needs CUDA but experiment.device is cpu",
      "set mixed_precision: false",
    );
  }
}

function earlyStoppingMetric(c: DeepPartial<TrainingConfig>, out: RuleSink): void {
  const es = c.training?.early_stopping;
  const metric = es?.metric;
  const ev = c.evaluation;
  if (metric === undefined || !ev?.fa_rates) return;
  const byRate = ev.fa_rates.map(sensitivityMetricName);
  const produced = [...new Set([...EPOCH_METRICS, ...byRate])];
  if (!produced.includes(metric)) {
    // sensitivity_at_10fa: the rate is right but Python prints floats as 10.0.
    const m = /^sensitivity_at_(.+)fa$/.exec(metric);
    const rate = m ? Number(m[1]) : Number.NaN;
    const same = Number.isFinite(rate) ? ev.fa_rates.indexOf(rate) : -1;
    const hint =
      same >= 0
        ? `did you mean ${byRate[same]}?`
        : (didYouMean(metric, produced) ?? `one of ${produced.join(", ")}`);
    out.error(
      "training.early_stopping.metric",
      `${metric} is not a metric the trainer computes per epoch: it reads as 0.0 every epoch, so best.pt is just the latest epoch and early stopping ends the run at epoch patience + 2`,
      hint,
    );
    return;
  }
  if (es?.mode === "min" && HIGHER_IS_BETTER.test(metric)) {
    out.warn("training.early_stopping.mode", `${metric} is better when higher`, "use mode: max");
  }
}
