// One failing case per preflight check, with the message and the fix it reports; and the rule
// that every check runs and is reported even when several fail.
import { expect, test } from "vitest";
import {
  preflightIsEnvironmental,
  preflightPassed,
  runChecks,
} from "../../src/preflight/run-checks.ts";
import type { CheckResult, Facts } from "../../src/preflight/types.ts";
import { input, record } from "../helpers/facts.ts";
import { tuhManifest } from "../helpers/temp-repo.ts";

const noTrainer: Facts["trainer"] = {
  dir: "vendor/brain-go-brr-v2",
  hasDir: false,
  hasSrc: false,
  hasMain: false,
  hasSchema: false,
  git: { ok: false, message: "no such folder" },
};
const EVAL_CKPT = { checkpoint: "/results/full-older/checkpoints/best.pt" };

function only(results: CheckResult[], check: string): CheckResult {
  const r = results.find((x) => x.check === check);
  if (!r) throw new Error(`no ${check} in ${results.map((x) => x.check).join(", ")}`);
  return r;
}

function failing(preset: string, change: (f: Facts) => void, flags = {}, yes = false) {
  const results = runChecks(input(preset, flags, change, yes));
  const bad = results.filter((r) => !r.ok);
  return { results, bad };
}

test("with every fact in order, every check passes and is reported", () => {
  for (const [preset, flags] of [
    ["smoke", {}],
    ["full", {}],
    ["eval", EVAL_CKPT],
  ] as const) {
    const results = runChecks(input(preset, flags));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.check)).toEqual(
      expect.arrayContaining([
        "modal-cli",
        "modal-auth",
        "modal-secrets",
        "training-config",
        "smoke-limit",
        "gpu",
        "timeout",
        "dataset:tuh",
        "trainer-source",
        "trainer-schema",
        "run-name",
        "git",
        "concurrent-run",
      ]),
    );
  }
});

test.each<[string, string, (f: Facts) => void, RegExp, RegExp]>([
  [
    "modal CLI missing",
    "modal-cli",
    (f) => {
      f.modal = { found: false, tried: ["/repo/modal/.venv/bin/modal", "modal on PATH"] };
    },
    /modal CLI not found \(tried \/repo\/modal\/.venv\/bin\/modal, modal on PATH\)/,
    /sh modal\/scripts\/venv\.sh/,
  ],
  [
    "modal CLI too old",
    "modal-cli",
    (f) => {
      f.modal = {
        found: true,
        bin: "/usr/bin/modal",
        source: "PATH",
        version: "1.5.9",
        error: null,
      };
    },
    /modal 1\.5\.9 \(\/usr\/bin\/modal\) is older than 1\.6\.0/,
    /pip install -U 'modal>=1\.6\.0'/,
  ],
  [
    "not authenticated",
    "modal-auth",
    (f) => {
      f.auth = {
        source: "none",
        reason: "MODAL_TOKEN_ID/MODAL_TOKEN_SECRET unset and no /h/.modal.toml",
      };
    },
    /no Modal credentials: MODAL_TOKEN_ID\/MODAL_TOKEN_SECRET unset/,
    /modal token set/,
  ],
  [
    "the S3 secret missing on Modal",
    "modal-secrets",
    (f) => {
      f.secrets = { state: "listed", items: ["wandb-secret"] };
    },
    /Modal secret missing: aws-s3-secret/,
    /modal secret create aws-s3-secret AWS_ACCESS_KEY_ID=<id>/,
  ],
  [
    "secrets cannot be listed",
    "modal-secrets",
    (f) => {
      f.secrets = { state: "error", message: "Error: Could not connect to the Modal server." };
    },
    /`modal secret list` failed: Error: Could not connect/,
    /check the network and your token/,
  ],
  [
    "a training config with errors",
    "training-config",
    (f) => {
      f.training.errors = [
        "configs/tusz_train_a100.yaml: training.lerning_rate: unknown key (did you mean learning_rate?)",
      ];
    },
    /1 error: configs\/tusz_train_a100\.yaml: training\.lerning_rate: unknown key/,
    /pnpm launch validate configs\/tusz_train_a100\.yaml/,
  ],
  [
    "a training config outside configs/",
    "training-config",
    (f) => {
      f.training.underConfigs = false;
      f.training.path = "tmp/x.yaml";
    },
    /tmp\/x\.yaml is not under configs\/ \(only configs\/ is baked into the image\)/,
    /move it to configs\//,
  ],
  [
    "W&B on in the config but not in the preset",
    "training-config",
    (f) => {
      f.training.wandbEnabled = true;
    },
    /W&B is on but preset full does not attach the W&B secret/,
    /pnpm launch validate/,
  ],
  [
    "a missing manifest",
    "dataset:tuh",
    (f) => {
      f.manifests.tuh = {
        location: "s3://b/tuh/.bgb-manifest.json",
        endpoint: "AWS S3 (us-east-1)",
        state: "missing",
      };
    },
    /no manifest at s3:\/\/b\/tuh\/\.bgb-manifest\.json/,
    /pnpm sync tuh/,
  ],
  [
    "counts that do not match",
    "dataset:tuh",
    (f) => {
      const m = tuhManifest();
      m.counts = { train: 1, dev: 1, eval: 1 };
      f.manifests.tuh = {
        location: "s3://b/tuh/.bgb-manifest.json",
        endpoint: "e",
        state: "found",
        manifest: m,
      };
    },
    /\.edf counts differ from configs\/datasets\.yaml \(train: expected 2, manifest has 1\)/,
    /expected_counts/,
  ],
  [
    "a damaged manifest",
    "dataset:tuh",
    (f) => {
      f.manifests.tuh = {
        location: "s3://b/tuh/.bgb-manifest.json",
        endpoint: "e",
        state: "invalid",
        reason: "manifest version does not match its file list (damaged or edited)",
      };
    },
    /unusable: manifest version does not match/,
    /pnpm sync tuh/,
  ],
  [
    "no trainer source",
    "trainer-source",
    (f) => {
      f.trainer = noTrainer;
    },
    /trainer source vendor\/brain-go-brr-v2\/src is missing \(the trainer is not part of this repo; pinned at 7504b397de24\)/,
    /^git clone https:\/\/github\.com\/Clarity-Digital-Twin\/brain-go-brr-v2 vendor\/brain-go-brr-v2 && git -C vendor\/brain-go-brr-v2 checkout 7504b397de24911f89b255efd468792d406dd2eb$/,
  ],
  [
    "a trainer checkout at another commit",
    "trainer-source",
    (f) => {
      f.trainer.git = { ok: true, sha: "1".repeat(40), dirty: false, changed: 0 };
    },
    /trainer checkout vendor\/brain-go-brr-v2 is at 111111111111, not at the pinned 7504b397de24 \(configs\/launch\.yaml trainer\.commit\)/,
    /^git -C vendor\/brain-go-brr-v2 fetch https:\/\/github\.com\/Clarity-Digital-Twin\/brain-go-brr-v2 && git -C vendor\/brain-go-brr-v2 checkout 7504b397de24911f89b255efd468792d406dd2eb$/,
  ],
  [
    "a trainer copy that is not a git checkout",
    "trainer-source",
    (f) => {
      f.trainer.git = { ok: false, message: "not a git checkout of its own" };
    },
    /vendor\/brain-go-brr-v2 is not a git checkout \(not a git checkout of its own\), so its commit cannot be checked against the pin 7504b397de24/,
    /^move vendor\/brain-go-brr-v2 away, then: git clone /,
  ],
  [
    "a trainer source without __main__.py",
    "trainer-source",
    (f) => {
      f.trainer.hasMain = false;
    },
    /src has no __main__\.py/,
    /full source/,
  ],
  [
    "the trainer's own schema rejects the config",
    "trainer-schema",
    (f) => {
      f.trainerSchema = {
        state: "rejected",
        errors: [
          "configs/tusz_train_a100.yaml: model.encoder: Extra inputs are not permitted (the trainer's schema has no such key)",
        ],
      };
    },
    /the trainer \(7504b397de24\) rejects configs\/tusz_train_a100\.yaml, as it would on the GPU: configs\/tusz_train_a100\.yaml: model\.encoder: Extra inputs are not permitted/,
    /pnpm launch validate configs\/tusz_train_a100\.yaml/,
  ],
  [
    "the trainer-check venv cannot be built",
    "trainer-schema",
    (f) => {
      f.trainerSchema = { state: "error", message: "the trainer-check venv could not be built: x" };
    },
    /cannot run the trainer's own schema: the trainer-check venv could not be built: x/,
    /sh scripts\/trainer-check-venv\.sh/,
  ],
  [
    "not a git repository",
    "git",
    (f) => {
      f.git = { ok: false, message: "fatal: not a git repository" };
    },
    /cannot record the commit: fatal: not a git repository/,
    /git clone/,
  ],
  [
    "another full run still running",
    "concurrent-run",
    (f) => {
      f.runs = [record({})];
    },
    /another full run is still running: full-older \(running, ap-Older1\) \(per the local registry; Modal not asked\)/,
    /pnpm launch stop full-older\), or pass --yes/,
  ],
])("%s", (_what, check, change, message, fix) => {
  const { results, bad } = failing("full", change);
  expect(bad.map((b) => b.check)).toEqual([check]);
  const r = only(results, check);
  expect(r.message).toMatch(message);
  expect(r.fix).toMatch(fix);
  expect(preflightPassed(results)).toBe(false);
});

test("only a missing or unusable modal CLI is environmental (exit 3)", () => {
  const { results } = failing("full", (f) => {
    f.modal = { found: false, tried: ["x"] };
  });
  expect(preflightIsEnvironmental(results)).toBe(true);
  const auth = failing("full", (f) => {
    f.auth = { source: "none", reason: "r" };
  });
  expect(preflightIsEnvironmental(auth.results)).toBe(false);
});

test("W&B secret is needed only when the preset turns W&B on", () => {
  const { results } = failing("full", (f) => {
    f.secrets = { state: "listed", items: ["aws-s3-secret"] };
  });
  expect(only(results, "modal-secrets").ok).toBe(true);
});

test("the smoke limit comes from the preset only, never from the shell", () => {
  const smoke = runChecks(
    input("smoke", {}, (f) => {
      f.limitFilesInEnv = true;
    }),
  );
  expect(only(smoke, "smoke-limit")).toMatchObject({ ok: true });
  expect(only(smoke, "smoke-limit").message).toMatch(
    /BGB_LIMIT_FILES=50 from presets\.smoke; BGB_LIMIT_FILES from your shell is not passed on/,
  );
  const i = input("full");
  i.req.limitFiles = 50; // as if launch.yaml gave the full preset a limit
  const full = only(runChecks(i), "smoke-limit");
  expect(full.ok).toBe(false);
  expect(full.message).toMatch(/preset full sets limit_files 50/);
  expect(full.fix).toMatch(/presets\.full\.limit_files: null/);
});

test("timeout: over 24 h fails; a longer plan becomes attempts; more than Modal allows fail", () => {
  const over = only(runChecks(input("full", { timeout: 90_000 })), "timeout");
  expect(over).toMatchObject({ ok: false });
  expect(over.message).toMatch(/timeout 90000 s is outside 60\.\.86400/);
  expect(over.fix).toMatch(/--timeout 86400 or less/);
  const seg = only(runChecks(input("full")), "timeout");
  expect(seg).toMatchObject({ ok: true });
  expect(seg.message).toMatch(
    /planned 100 h > 86400 s per attempt: 5 attempts, each resuming from last.pt \(6 retries\)/,
  );
  const many = only(runChecks(input("full", { timeout: 3600 })), "timeout");
  expect(many.ok).toBe(false);
  expect(many.message).toMatch(/needs 100 attempts; Modal allows at most 11/);
  const evalLong = only(runChecks(input("eval", { ...EVAL_CKPT, timeout: 600 })), "timeout");
  expect(evalLong.ok).toBe(false);
  expect(evalLong.message).toMatch(/only training resumes across attempts/);
});

test("GPU without a price in gpus.yaml", () => {
  const r = only(runChecks(input("full", { gpu: "B300" })), "gpu");
  expect(r.ok).toBe(false);
  expect(r.message).toMatch(/GPU B300 is not in configs\/gpus\.yaml/);
  expect(r.fix).toMatch(/A100-80GB/);
});

test("eval needs a real checkpoint path; the seed's .ckpt path is explained", () => {
  const none = only(runChecks(input("eval")), "checkpoint");
  expect(none.ok).toBe(false);
  expect(none.message).toBe("evaluation needs a checkpoint");
  const seed = only(
    runChecks(input("eval", { checkpoint: "/results/checkpoints/best.ckpt" })),
    "checkpoint",
  );
  expect(seed.ok).toBe(false);
  expect(seed.message).toMatch(
    /never written: checkpoints are \.pt files under \/results\/<run>\/checkpoints\//,
  );
  const same = only(
    runChecks(input("eval", { checkpoint: "/results/ev/checkpoints/best.pt", name: "ev" })),
    "checkpoint",
  );
  expect(same.message).toMatch(/equals the training run ev/);
});

test("run names: a reused name fails, --resume needs a stopped training run of the same preset", () => {
  const reuse = only(
    runChecks(
      input("full", { name: "full-older" }, (f) => {
        f.runs = [record({ status: "failed" })];
      }),
    ),
    "run-name",
  );
  expect(reuse.ok).toBe(false);
  expect(reuse.fix).toMatch(/--resume full-older/);
  const unknown = only(runChecks(input("full", { resume: "nope" })), "run-name");
  expect(unknown.message).toMatch(/no run nope in \.bgb\/runs\.jsonl/);
  const running = only(
    runChecks(
      input("full", { resume: "full-older" }, (f) => {
        f.runs = [record({})];
      }),
    ),
    "run-name",
  );
  expect(running.message).toMatch(/still running: two launches would write the same last\.pt/);
  const ok = only(
    runChecks(
      input("full", { resume: "full-older" }, (f) => {
        f.runs = [record({ status: "preempted" })];
      }),
    ),
    "run-name",
  );
  expect(ok).toMatchObject({ ok: true });
  const other = only(
    runChecks(
      input("full", { resume: "full-older" }, (f) => {
        f.runs = [record({ status: "stopped", preset: "smoke" })];
      }),
    ),
    "run-name",
  );
  expect(other.fix).toBe("pnpm launch smoke --resume full-older");
});

test("a second launch of a running preset: --yes overrides; Modal's app list has the last word", () => {
  const yes = only(
    runChecks(
      input(
        "full",
        {},
        (f) => {
          f.runs = [record({})];
        },
        true,
      ),
    ),
    "concurrent-run",
  );
  expect(yes).toMatchObject({ ok: true });
  expect(yes.message).toMatch(/launching another because of --yes/);
  const stoppedOnModal = only(
    runChecks(
      input("full", {}, (f) => {
        f.runs = [record({})];
        f.apps = {
          state: "listed",
          items: [
            {
              app_id: "ap-Older1",
              description: "full-older",
              state: "stopped",
              tasks: 0,
              created_at: null,
              stopped_at: "x",
            },
          ],
        };
      }),
    ),
    "concurrent-run",
  );
  expect(stoppedOnModal.ok).toBe(true);
  const otherPreset = only(
    runChecks(
      input("smoke", {}, (f) => {
        f.runs = [record({})];
      }),
    ),
    "concurrent-run",
  );
  expect(otherPreset.ok).toBe(true);
  const staleLaunching = only(
    runChecks(
      input("full", {}, (f) => {
        f.runs = [
          record({
            status: "launching",
            app_id: null,
            app_ids: [],
            created_at: "2026-11-27T00:00:00Z",
          }),
        ];
      }),
    ),
    "concurrent-run",
  );
  expect(staleLaunching.ok).toBe(true);
});

test("several failures are all reported, each with its fix", () => {
  const { bad } = failing("full", (f) => {
    f.auth = { source: "none", reason: "r" };
    f.trainer = noTrainer;
    f.git = { ok: false, message: "no git" };
  });
  expect(bad.map((b) => b.check)).toEqual(["modal-auth", "trainer-source", "git"]);
  for (const b of bad) expect(b.fix).toBeTruthy();
});
