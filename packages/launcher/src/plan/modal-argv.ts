// Every modal command line the launcher runs, as argv arrays (never a shell string).
// Modal's own options stand before the script path or the positional arguments: after the path
// they would go to the app's entrypoint (the seed's `app.py --detach` mistake).
import type { LaunchRequest } from "./request.ts";

/** The app, relative to the repo root (the launcher runs modal with the repo root as cwd). */
export const APP_PATH = "modal/app.py";

export function modalRunArgv(bin: string, r: LaunchRequest): string[] {
  const argv = [bin, "run", "--detach", "-n", r.run, APP_PATH];
  argv.push("--action", r.action, "--config", r.config, "--run", r.run);
  if (r.checkpoint !== null) argv.push("--checkpoint", r.checkpoint);
  if (r.split !== null) argv.push("--split", r.split);
  if (r.resume) argv.push("--resume");
  return argv;
}

export const modalVersionArgv = (bin: string): string[] => [bin, "--version"];

export const secretListArgv = (bin: string): string[] => [bin, "secret", "list", "--json"];

export const appListArgv = (bin: string): string[] => [bin, "app", "list", "--json"];

export function appLogsArgv(bin: string, appId: string, follow: boolean): string[] {
  return follow ? [bin, "app", "logs", "-f", appId] : [bin, "app", "logs", appId];
}

/** `-y`: without a terminal `modal app stop` would wait for a confirmation nobody can give. */
export const appStopArgv = (bin: string, appId: string): string[] => [
  bin,
  "app",
  "stop",
  "-y",
  appId,
];

/**
 * `modal volume get VOL /<run> results` writes `results/<run>/...`: modal keeps the last segment
 * of the remote path under an existing destination folder. (Naming `results/<run>` itself would
 * give `results/<run>/<run>/...`, or, when that folder does not exist yet, every file written to
 * the same path.) `--force` replaces files a previous pull left.
 */
export function volumeGetRunArgv(
  bin: string,
  volume: string,
  run: string,
  destinationParent: string,
  force: boolean,
): string[] {
  return [
    bin,
    "volume",
    "get",
    ...(force ? ["--force"] : []),
    volume,
    `/${run}`,
    destinationParent,
  ];
}

/** `pnpm launch stop`'s marker for the GPU side (modal/bgb_modal/runner.py STOP_REQUEST). */
export const stopRequestArgv = (
  bin: string,
  volume: string,
  run: string,
  localFile: string,
): string[] => [bin, "volume", "put", "--force", volume, localFile, `/${run}/stop-requested.json`];

/** The run record (contracts.md section 3) to stdout ("-"). */
export const runJsonArgv = (bin: string, volume: string, run: string): string[] => [
  bin,
  "volume",
  "get",
  volume,
  `/${run}/run.json`,
  "-",
];
