// Starts `modal run --detach ...` and watches its output until the run has started, then lets the
// local client go. What keeps running is the Modal app: detached, it outlives its client, and the
// training call modal/app.py spawned (the last triggered function) carries on there. The local
// CLI has nothing left to do once it printed BGB_RUN: the entrypoint returns right after the
// spawn, so the client normally exits by itself within seconds. If it lingers (streaming logs), it
// gets SIGINT, Modal's documented "The detached App will keep running" path, then SIGKILL.
//
// The CLI runs in its own process group, so a Ctrl-C in the terminal reaches the launcher only,
// and the launcher decides: before BGB_RUN it stops the CLI (no run, or one the caller stops
// and records); after BGB_RUN the launch is complete and recorded.
import { spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { type BgbRun, ModalOutputScanner } from "./modal-output.ts";

export interface WatchOptions {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** No BGB_RUN line by then and the CLI counts as hung (first image builds take 10-15 min). */
  timeoutMs: number;
  /** After BGB_RUN, how long to wait for the run URL if it has not been printed yet. */
  settleMs?: number;
  /** After the launch is captured, how long the client may take to exit on its own. */
  exitGraceMs?: number;
  /** Between SIGINT and SIGKILL when the client has to be stopped. */
  killGraceMs?: number;
  signal?: AbortSignal;
  /** Everything the CLI prints is appended here (kept for post-mortems). */
  logFile?: string;
  onLine?: (line: string) => void;
  /** Once, as soon as an app id shows up: lets the caller record it before anything else. */
  onAppId?: (appId: string) => void;
}

export type ClientEnd = "exited" | "interrupted" | "killed";

export type WatchResult =
  | {
      kind: "started";
      appId: string | null;
      url: string | null;
      bgbRun: BgbRun;
      client: ClientEnd;
      clientCode: number | null;
      tail: string[];
    }
  | {
      kind: "failed";
      reason: "exited" | "spawn-error" | "timeout" | "aborted";
      appId: string | null;
      url: string | null;
      code: number | null;
      signal: NodeJS.Signals | null;
      tail: string[];
      message: string;
    };

type Phase = "waiting" | "settling" | "releasing" | "stopping" | "done";

const TAIL_LINES = 40;

export function watchModalLaunch(o: WatchOptions): Promise<WatchResult> {
  const settleMs = o.settleMs ?? 5_000;
  const exitGraceMs = o.exitGraceMs ?? 20_000;
  const killGraceMs = o.killGraceMs ?? 10_000;
  const [file, ...args] = o.argv;
  if (!file) throw new Error("watchModalLaunch: empty argv");

  return new Promise((resolve) => {
    const scanner = new ModalOutputScanner();
    const tail: string[] = [];
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    let phase: Phase = "waiting";
    let stopReason: "timeout" | "aborted" = "timeout";
    let clientEnd: ClientEnd = "exited";
    let reportedAppId = false;
    let log: WriteStream | null = null;
    if (o.logFile) {
      log = createWriteStream(o.logFile, { flags: "a" });
      log.on("error", () => {}); // a log we cannot write must not fail the launch
    }

    const child = spawn(file, args, {
      cwd: o.cwd,
      env: o.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });

    const signalClient = (sig: NodeJS.Signals) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig); // the whole group: modal may have helpers
      } catch {
        child.kill(sig);
      }
    };
    let interrupted = false;
    const interrupt = () => {
      if (interrupted) return; // one SIGINT: a second would cut Modal's own clean disconnect
      interrupted = true;
      clientEnd = "interrupted";
      signalClient("SIGINT");
      later(killGraceMs, () => {
        clientEnd = "killed";
        signalClient("SIGKILL");
      });
    };

    const finish = (r: WatchResult) => {
      if (phase === "done") return;
      phase = "done";
      for (const t of timers) clearTimeout(t);
      timers.clear();
      o.signal?.removeEventListener("abort", onAbort);
      const done = () => resolve(r);
      if (log) log.end(done);
      else done();
    };

    const release = () => {
      if (phase !== "waiting" && phase !== "settling") return;
      phase = "releasing";
      later(exitGraceMs, interrupt);
    };

    const progress = () => {
      if (scanner.appId && !reportedAppId) {
        reportedAppId = true;
        o.onAppId?.(scanner.appId);
      }
      if (phase === "waiting" && scanner.bgbRun) {
        phase = "settling";
        if (scanner.url) release();
        else later(settleMs, release);
      } else if (phase === "settling" && scanner.url) release();
    };

    const onText = (b: Buffer) => {
      log?.write(b);
      for (const line of scanner.feed(b.toString("utf8"))) {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        o.onLine?.(line);
      }
      progress();
    };
    child.stdout.on("data", onText);
    child.stderr.on("data", onText);

    const onAbort = () => {
      if (phase === "waiting") {
        stopReason = "aborted";
        phase = "stopping";
        interrupt();
      } else if (phase === "settling" || phase === "releasing") {
        // The run has started and stands: only stop waiting for the client.
        phase = "releasing";
        interrupt();
      }
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener("abort", onAbort, { once: true });

    later(o.timeoutMs, () => {
      if (phase !== "waiting") return;
      stopReason = "timeout";
      phase = "stopping";
      interrupt();
    });

    child.on("error", (e: NodeJS.ErrnoException) => {
      finish({
        kind: "failed",
        reason: "spawn-error",
        appId: null,
        url: null,
        code: null,
        signal: null,
        tail,
        message: `could not start ${file} (${e.code ?? e.message})`,
      });
    });

    child.on("close", (code, signal) => {
      for (const line of scanner.end()) {
        tail.push(line);
        o.onLine?.(line);
      }
      progress();
      const ended = phase as Phase;
      if (ended === "done") return;
      if (scanner.bgbRun && ended !== "stopping") {
        finish({
          kind: "started",
          appId: scanner.appId,
          url: scanner.url,
          bgbRun: scanner.bgbRun,
          client: clientEnd,
          clientCode: code,
          tail,
        });
        return;
      }
      const base = { appId: scanner.appId, url: scanner.url, code, signal, tail };
      if (ended === "stopping") {
        finish({
          kind: "failed",
          reason: stopReason,
          ...base,
          message:
            stopReason === "timeout"
              ? `modal printed no BGB_RUN line within ${Math.round(o.timeoutMs / 1000)} s`
              : "interrupted before the run started",
        });
        return;
      }
      const why = scanner.badBgbRun
        ? `modal/app.py printed a BGB_RUN line that does not parse: ${scanner.badBgbRun}`
        : code === 0
          ? "modal exited without the BGB_RUN line (did modal/app.py spawn the run?)"
          : `modal exited with ${signal ?? `code ${code}`} before the run started`;
      finish({ kind: "failed", reason: "exited", ...base, message: why });
    });
  });
}
