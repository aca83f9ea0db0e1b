import { didYouMean } from "../load/did-you-mean.ts";
import type { RuleSink } from "../load/issues.ts";
import { sensitivityMetricName } from "../load/py-float.ts";
import type { DeepPartial } from "../load/salvage.ts";
import type { TrainingConfig } from "../schemas/training.ts";

// mamba-ssm's causal-conv1d CUDA kernels only implement widths 2..4.
const CUDA_CONV_KERNELS = { min: 2, max: 4 };
const HIGHER_IS_BETTER = /^(sensitivity|specificity|auroc|taes|f1|precision|recall|accuracy)/;

const trimSlash = (p: string) => p.replace(/\/+$/, "");

export function trainingRules(c: DeepPartial<TrainingConfig>, out: RuleSink): void {
  const device = c.experiment?.device;

  // Device and precision: AMP needs CUDA.
  if (device === "cpu") {
    if (c.training?.mixed_precision === true) {
      out.error(
        "training.mixed_precision",
        "mixed precision needs a GPU but experiment.device is cpu",
        "set mixed_precision: false",
      );
    }
    if (c.resources?.mixed_precision === true) {
      out.error(
        "resources.mixed_precision",
        "mixed precision needs a GPU but experiment.device is cpu",
        "set mixed_precision: false",
      );
    }
  }

  const k = c.model?.mamba?.conv_kernel;
  if (
    k !== undefined &&
    (device === "cuda" || device === "auto") &&
    (k < CUDA_CONV_KERNELS.min || k > CUDA_CONV_KERNELS.max)
  ) {
    out.error(
      "model.mamba.conv_kernel",
      `the mamba CUDA kernels accept conv_kernel ${CUDA_CONV_KERNELS.min}..${CUDA_CONV_KERNELS.max}, got ${k} (experiment.device is ${device})`,
      "use 4",
    );
  }

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

  earlyStoppingMetric(c, out);

  // Upstream's app rewrote experiment.cache_dir while the loop read data.cache_dir, so the
  // cache landed on the container's ephemeral disk.
  const dataCache = c.data?.cache_dir;
  const expCache = c.experiment?.cache_dir;
  if (
    dataCache !== undefined &&
    expCache !== undefined &&
    trimSlash(dataCache) !== trimSlash(expCache)
  ) {
    out.error(
      "experiment.cache_dir",
      `differs from data.cache_dir (${dataCache}); the trainer writes and reads its window cache at data.cache_dir only`,
      `set both to ${dataCache} or remove experiment.cache_dir`,
    );
  } else if (dataCache === undefined && expCache !== undefined) {
    out.warn(
      "experiment.cache_dir",
      "the trainer's window cache uses data.cache_dir (default cache/data), not experiment.cache_dir",
      `set data.cache_dir: ${expCache}`,
    );
  }

  const data = c.data;
  if (data?.split_policy === "custom" && data.split_seed === undefined) {
    out.warn(
      "data.split_seed",
      "split_policy custom without split_seed: the split depends on the trainer's default seed",
      "set split_seed so reruns and resumed segments use the same split",
    );
  }
  if (data?.split_policy === "official_tusz" && data.validation_split !== undefined) {
    out.warn(
      "data.validation_split",
      "ignored with split_policy official_tusz (the dev split is used)",
    );
  }
  if (data?.split_policy === "official_tusz" && data.dataset === "chb_mit") {
    out.error(
      "data.split_policy",
      "CHB-MIT has no official train/dev/eval folders",
      "use split_policy: custom with a split_seed",
    );
  }
  if (data?.persistent_workers === true && data.num_workers === 0) {
    out.error(
      "data.persistent_workers",
      "PyTorch refuses persistent_workers with num_workers 0",
      "set num_workers > 0 or persistent_workers: false",
    );
  }

  const m = c.model;
  if (m?.architecture !== undefined) {
    for (const old of ["encoder", "rescnn", "decoder"] as const) {
      if (m[old] !== undefined) {
        out.warn(
          `model.${old}`,
          `not used when model.architecture is set (${m.architecture})`,
          `remove model.${old}`,
        );
      }
    }
  }
  if (
    m?.architecture === "v3" &&
    (m.graph === undefined || m.graph === null || m.graph.enabled !== true)
  ) {
    out.warn(
      "model.graph",
      "architecture v3 is the dual stream with the graph stage, but graph is not enabled",
    );
  }
}

function earlyStoppingMetric(c: DeepPartial<TrainingConfig>, out: RuleSink): void {
  const es = c.training?.early_stopping;
  const metric = es?.metric;
  const ev = c.evaluation;
  if (metric === undefined || !ev?.metrics || !ev.fa_rates) return;
  const byRate = ev.fa_rates.map(sensitivityMetricName);
  const produced = [...new Set([...ev.metrics, ...byRate])];
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
      `${metric} is not a metric the evaluation produces, so early stopping cannot track it (upstream this stopped a 100-epoch run after a few epochs)`,
      hint,
    );
    return;
  }
  if (es?.mode === "min" && HIGHER_IS_BETTER.test(metric)) {
    out.warn("training.early_stopping.mode", `${metric} is better when higher`, "use mode: max");
  }
}
