// Everything preflight needs to know, gathered at once (in parallel where it talks to the network).
import { homedir } from "node:os";
import { join } from "node:path";
import type { ConfigIssue, DatasetsConfig } from "@bgb/shared";
import { appListArgv, secretListArgv } from "../plan/modal-argv.ts";
import type { LaunchRequest } from "../plan/request.ts";
import type { ModalBin } from "../process/find-modal.ts";
import { type ModalApp, parseAppList, parseSecretNames } from "../process/modal-json.ts";
import { lastLine, runCommand } from "../process/run-command.ts";
import { isActive, type RunRecord } from "../registry/records.ts";
import { probeGit } from "./probes/git.ts";
import { probeManifests, type ReaderFactory } from "./probes/manifests.ts";
import { probeModalAuth } from "./probes/modal-auth.ts";
import { probeModalCli } from "./probes/modal-cli.ts";
import { probeReports } from "./probes/reports.ts";
import { probeTrainerSchema } from "./probes/trainer-schema.ts";
import { probeTrainerSource } from "./probes/trainer-source.ts";
import { probeTrainingConfig } from "./probes/training-config.ts";
import type {
  Facts,
  ListFact,
  TrainerSchemaFact,
  TrainerSourceFact,
  TrainingConfigFact,
} from "./types.ts";

export interface GatherDeps {
  root: string;
  env: NodeJS.ProcessEnv;
  modal: ModalBin;
  readerFor: ReaderFactory;
  runs: RunRecord[];
  projectIssues: ConfigIssue[];
  home?: string;
  signal?: AbortSignal;
  /** For modal commands that talk to Modal's servers (an unreachable server takes ~60 s). */
  modalTimeoutMs?: number;
}

export async function gatherFacts(
  req: LaunchRequest,
  datasets: DatasetsConfig,
  d: GatherDeps,
): Promise<Facts> {
  const sig = d.signal ? { signal: d.signal } : {};
  const modalTimeoutMs = d.modalTimeoutMs ?? 120_000;
  const auth = probeModalAuth(d.env, d.home ?? homedir());

  const modalListing = async <T>(
    argv: (bin: string) => string[],
    parse: (text: string) => T[] | null,
    modalOk: boolean,
  ): Promise<ListFact<T>> => {
    if (!d.modal.found || !modalOk) return { state: "skipped", reason: "no working modal CLI" };
    if (auth.source === "none") return { state: "skipped", reason: "no Modal credentials" };
    const r = await runCommand(argv(d.modal.bin), {
      cwd: d.root,
      env: d.env,
      timeoutMs: modalTimeoutMs,
      ...sig,
    });
    if (r.code !== 0) {
      return { state: "error", message: r.timedOut ? "timed out" : lastLine(r) };
    }
    const items = parse(r.stdout);
    return items
      ? { state: "listed", items }
      : { state: "error", message: "output is not the JSON list expected" };
  };

  // Asking Modal for its apps costs a round trip: only when the registry has something to confirm.
  const needApps = d.runs.some(
    (r) => isActive(r) && (r.preset === req.preset || r.run === req.run),
  );

  const modalCli = probeModalCli(d.modal, d.env, d.signal);
  const modalOk = modalCli.then((m) => m.found && m.error === null);
  const training = probeTrainingConfig(d.root, req.config, d.projectIssues);
  const trainerFacts = probeTrainerSource(d.root, req.trainerSource, d.signal);
  const trainerSchema = trainerFacts.then((trainer) =>
    trainerSchemaFact(req, training, trainer, d),
  );
  const [modal, git, manifests, reports, secrets, apps, trainer, schema] = await Promise.all([
    modalCli,
    probeGit(d.root, d.signal),
    probeManifests(req.datasets, datasets, d.env, d.readerFor, d.signal),
    probeReports(req.datasets, datasets, d.env, d.readerFor, d.signal),
    modalOk.then((ok) => modalListing(secretListArgv, parseSecretNames, ok)),
    needApps
      ? modalOk.then((ok) => modalListing<ModalApp>(appListArgv, parseAppList, ok))
      : Promise.resolve<ListFact<ModalApp>>({ state: "skipped", reason: "no active run recorded" }),
    trainerFacts,
    trainerSchema,
  ]);

  return {
    modal,
    auth,
    secrets,
    training,
    manifests,
    reports,
    trainer,
    trainerSchema: schema,
    git,
    runs: d.runs,
    apps,
    limitFilesInEnv: d.env.BGB_LIMIT_FILES !== undefined,
  };
}

/** Runs the trainer's own schema only where its answer means something: the pinned checkout. */
function trainerSchemaFact(
  req: LaunchRequest,
  training: TrainingConfigFact,
  trainer: TrainerSourceFact,
  d: GatherDeps,
): Promise<TrainerSchemaFact> {
  const skip = (reason: string) => Promise.resolve<TrainerSchemaFact>({ state: "skipped", reason });
  if (req.action !== "train" && req.action !== "evaluate") {
    return skip(`not needed by action ${req.action}`);
  }
  if (!training.exists || !training.underConfigs) return skip(`${req.config} is not usable`);
  if (!trainer.hasSchema || !trainer.git.ok || trainer.git.sha !== req.trainer.commit) {
    return skip("the trainer checkout is not at the pinned commit (see trainer-source)");
  }
  return probeTrainerSchema(
    {
      config: req.config,
      configAbs: join(d.root, req.config),
      trainerDir: join(d.root, req.trainerSource),
      run: req.run,
      dataRoot: `/data/${req.datasets[0] ?? "dataset"}`,
      wandb: req.wandb,
    },
    { env: d.env, ...(d.signal ? { signal: d.signal } : {}) },
  );
}
