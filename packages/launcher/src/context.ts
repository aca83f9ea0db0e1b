// What every operation needs from the outside world, made once by the CLI (tests build their own).
import type { ReaderFactory } from "./preflight/probes/manifests.ts";
import { findModalBin, type ModalBin } from "./process/find-modal.ts";
import { RunRegistry } from "./registry/registry.ts";
import { s3ObjectReader } from "./storage/s3-object-reader.ts";

export interface LauncherContext {
  root: string;
  env: NodeJS.ProcessEnv;
  registry: RunRegistry;
  modal: ModalBin;
  now: () => Date;
  readerFor: ReaderFactory;
  /** For modal commands that talk to Modal's servers. */
  modalTimeoutMs: number;
}

export function createContext(opts: {
  root: string;
  env?: NodeJS.ProcessEnv;
  modalBin?: string | undefined;
  now?: () => Date;
  readerFor?: ReaderFactory;
  modalTimeoutMs?: number;
}): LauncherContext {
  const env = opts.env ?? process.env;
  const now = opts.now ?? (() => new Date());
  return {
    root: opts.root,
    env,
    registry: RunRegistry.at(opts.root, now),
    modal: findModalBin({ flag: opts.modalBin, env, root: opts.root }),
    now,
    readerFor: opts.readerFor ?? ((endpoint) => s3ObjectReader(endpoint)),
    modalTimeoutMs: opts.modalTimeoutMs ?? 120_000,
  };
}
