// Can this machine drive Modal: the CLI, its version, credentials, the secrets the run attaches.
import { compareVersions } from "../../plan/version.ts";
import type { CheckInput, CheckResult } from "../types.ts";

const VENV_FIX = "sh modal/scripts/venv.sh (creates modal/.venv with the pinned modal)";

export function checkModalCli({ facts, launch }: CheckInput): CheckResult {
  const m = facts.modal;
  const check = "modal-cli";
  const min = launch.app.modal_min_version;
  if (!m.found) {
    return {
      check,
      ok: false,
      environmental: true,
      message: `modal CLI not found (tried ${m.tried.join(", ")})`,
      fix: `${VENV_FIX}, or point --modal-bin / BGB_MODAL_BIN at a modal >= ${min}`,
    };
  }
  if (m.error !== null || m.version === null) {
    return {
      check,
      ok: false,
      environmental: true,
      message: `${m.bin} does not run as the modal CLI: ${m.error ?? "no version in `modal --version`"}`,
      fix: VENV_FIX,
    };
  }
  if (compareVersions(m.version, min) < 0) {
    return {
      check,
      ok: false,
      environmental: true,
      message: `modal ${m.version} (${m.bin}) is older than ${min} (configs/launch.yaml app.modal_min_version)`,
      fix: `${VENV_FIX}, or pip install -U 'modal>=${min}'`,
    };
  }
  return { check, ok: true, message: `modal ${m.version} (${m.source}: ${m.bin})`, fix: null };
}

export function checkModalAuth({ facts }: CheckInput): CheckResult {
  const a = facts.auth;
  const check = "modal-auth";
  if (a.source === "env") {
    return {
      check,
      ok: true,
      message: "MODAL_TOKEN_ID and MODAL_TOKEN_SECRET are set (values not read)",
      fix: null,
    };
  }
  if (a.source === "profile") {
    return {
      check,
      ok: true,
      message: `profile "${a.profile}" in ${a.file} has a token (not read)`,
      fix: null,
    };
  }
  return {
    check,
    ok: false,
    message: `no Modal credentials: ${a.reason}`,
    fix: "modal token set --token-id ... --token-secret ... (or `modal setup`), or export MODAL_TOKEN_ID and MODAL_TOKEN_SECRET",
  };
}

/** Secret names the run attaches: the bucket mount's, and W&B's only when W&B is on. */
export function neededSecrets({ req, launch }: Pick<CheckInput, "req" | "launch">): string[] {
  const names: string[] = [];
  if (req.datasets.length > 0) names.push(launch.app.secrets.aws);
  if (req.wandb) names.push(launch.app.secrets.wandb);
  return names;
}

export function checkModalSecrets(input: CheckInput): CheckResult {
  const check = "modal-secrets";
  const need = neededSecrets(input);
  const s = input.facts.secrets;
  if (need.length === 0) {
    return { check, ok: true, message: "this preset attaches no secret", fix: null };
  }
  if (s.state === "skipped") {
    return {
      check,
      ok: false,
      message: `could not check for ${need.join(", ")}: ${s.reason}`,
      fix: "fix modal-cli / modal-auth above",
    };
  }
  if (s.state === "error") {
    return {
      check,
      ok: false,
      message: `\`modal secret list\` failed: ${s.message}`,
      fix: "check the network and your token (`modal token info`), then retry",
    };
  }
  const missing = need.filter((n) => !s.items.includes(n));
  if (missing.length === 0) {
    return {
      check,
      ok: true,
      message: `${need.join(", ")} exist${need.length === 1 ? "s" : ""} on Modal`,
      fix: null,
    };
  }
  const fixes = missing.map((n) =>
    n === input.launch.app.secrets.wandb
      ? `modal secret create ${n} WANDB_API_KEY=<key>`
      : `modal secret create ${n} AWS_ACCESS_KEY_ID=<id> AWS_SECRET_ACCESS_KEY=<secret> AWS_REGION=<region>`,
  );
  return {
    check,
    ok: false,
    message: `Modal secret${missing.length > 1 ? "s" : ""} missing: ${missing.join(", ")}`,
    fix: fixes.join("; "),
  };
}
