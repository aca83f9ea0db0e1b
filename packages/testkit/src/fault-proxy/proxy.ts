// HTTP fault-injection proxy between an S3 client and a real S3 server (versitygw in tests).
// Requests go upstream byte-for-byte (raw headers, Host included, so SigV4 still validates)
// with bodies streamed both ways; rules from rules.ts decide which requests get a fault.
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { pipeline } from "node:stream";
import {
  describeRequest,
  FAULT_KINDS,
  type FaultKind,
  type FaultRule,
  type RequestInfo,
  RuleSet,
  S3_OPS,
  type S3Op,
} from "./rules.ts";
import { type S3ErrorAnswer, s3Error, slowDownError } from "./s3-error.ts";

export interface FaultProxyOptions {
  /** Plain-HTTP base URL of the real server, e.g. "http://127.0.0.1:7070". */
  upstream: string;
  rules?: readonly FaultRule[];
  /** Simulates the trip to a remote region on loopback (the benchmark's WAN profile). */
  wan?: WanProfile;
}

/** A remote link: latency each way and an optional cap on upload bandwidth. */
export interface WanProfile {
  /** Every request waits this long before it is forwarded upstream (client to server). */
  requestDelayMs: number;
  /** Every forwarded response waits this long before its head goes back (server to client). */
  responseDelayMs: number;
  /** Request-body bytes per second over all connections together (the uplink); none if unset. */
  bytesPerSecond?: number;
}

export interface FiredFault {
  /** Index of the rule in the list given to setRules. */
  rule: number;
  kind: FaultKind;
  op: S3Op;
  method: string;
  bucket: string;
  key: string;
}

/** Live counters, mutated in place; resetStats() zeroes them. */
export interface FaultProxyStats {
  requests: Record<S3Op, number>;
  faults: Record<FaultKind, number>;
  /** Request-body bytes read from clients (also for faults that never forward). */
  bytesReceived: Record<S3Op, number>;
  /** Request-body bytes written upstream: what the server actually got to see. */
  bytesForwarded: Record<S3Op, number>;
  fired: FiredFault[];
  /** What the WAN profile did: requests and responses held back, body bytes paced. */
  wan: { delayedRequests: number; delayedResponses: number; pacedBytes: number };
}

export interface FaultProxy {
  endpoint: string;
  stats: FaultProxyStats;
  /** Replaces the rules and restarts their nth/times counters. */
  setRules(rules: readonly FaultRule[]): void;
  resetStats(): void;
  /** Closes the listener and every socket, stalled ones included. */
  stop(): Promise<void>;
}

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function zeroStats(stats: FaultProxyStats): void {
  Object.assign(stats.requests, zeros(S3_OPS));
  Object.assign(stats.faults, zeros(FAULT_KINDS));
  Object.assign(stats.bytesReceived, zeros(S3_OPS));
  Object.assign(stats.bytesForwarded, zeros(S3_OPS));
  stats.fired.length = 0;
  Object.assign(stats.wan, { delayedRequests: 0, delayedResponses: 0, pacedBytes: 0 });
}

/**
 * One shared uplink: each chunk is reserved a slot after the previous one's, at `rate` bytes/s,
 * and returns how many ms to wait before sending it. Idle time is not saved up as credit.
 */
function uplink(bytesPerSecond: number): (bytes: number) => number {
  let free = 0;
  return (bytes) => {
    const now = performance.now();
    const start = Math.max(now, free);
    free = start + (bytes * 1000) / bytesPerSecond;
    return start - now;
  };
}

/** Raw header pairs without the ones named (case-insensitive). */
function without(raw: readonly string[], ...names: string[]): string[] {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (!drop.has((raw[i] as string).toLowerCase()))
      out.push(raw[i] as string, raw[i + 1] as string);
  return out;
}

function withConnectionClose(raw: readonly string[]): string[] {
  return [...without(raw, "connection", "keep-alive"), "Connection", "close"];
}

const resource = (info: RequestInfo) => `/${info.bucket}${info.key ? `/${info.key}` : ""}`;

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(opts.upstream);
  if (upstream.protocol !== "http:") throw new Error(`fault proxy: upstream must be http://`);
  const wan = opts.wan;
  if (wan && !(wan.requestDelayMs >= 0 && wan.responseDelayMs >= 0))
    throw new Error("fault proxy: wan delays must be >= 0 ms");
  if (wan?.bytesPerSecond !== undefined && !(wan.bytesPerSecond > 0))
    throw new Error("fault proxy: wan.bytesPerSecond must be > 0");
  const pace = wan?.bytesPerSecond ? uplink(wan.bytesPerSecond) : undefined;
  // One upstream connection per request: a fault (or a stale pooled socket) never spills over
  // onto an unrelated request, so stats and retries stay deterministic.
  const agent = new Agent({ keepAlive: false });
  let rules = new RuleSet(opts.rules ?? []);
  const stats: FaultProxyStats = {
    requests: zeros(S3_OPS),
    faults: zeros(FAULT_KINDS),
    bytesReceived: zeros(S3_OPS),
    bytesForwarded: zeros(S3_OPS),
    fired: [],
    wan: { delayedRequests: 0, delayedResponses: 0, pacedBytes: 0 },
  };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const server = createServer();
  // Stalls and big slow parts must not be cut by Node's default 300 s request timeout.
  server.requestTimeout = 0;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("request", (req, res) => handle(req, res, false));
  // Own the 100-continue decision: faults answered here must not invite the body.
  server.on("checkContinue", (req, res) => handle(req, res, true));

  /** Runs fn after ms (now if 0), unless the client went away meanwhile. */
  function later(req: IncomingMessage, ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      if (!req.socket.destroyed) fn();
    }, ms);
    timers.add(t);
  }

  function handle(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void {
    req.on("error", () => {}); // client resets are expected here; never crash the test run
    res.on("error", () => {});
    if (stopped) {
      req.socket.destroy();
      return;
    }
    if (wan && wan.requestDelayMs > 0) {
      // The request's way to the server; its body waits in the socket meanwhile (not read).
      stats.wan.delayedRequests++;
      later(req, wan.requestDelayMs, () => dispatch(req, res, expectsContinue));
      return;
    }
    dispatch(req, res, expectsContinue);
  }

  function dispatch(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void {
    const info = describeRequest(req.method ?? "GET", req.url ?? "/");
    stats.requests[info.op]++;
    const picked = rules.pick(info);
    const action = picked?.action;
    if (picked) {
      stats.faults[picked.action.kind]++;
      const { op, method, bucket, key } = info;
      stats.fired.push({ rule: picked.index, kind: picked.action.kind, op, method, bucket, key });
    }
    switch (action?.kind) {
      case undefined:
        forward(req, res, info, expectsContinue);
        break;
      case "resetMidBody":
        forward(req, res, info, expectsContinue, action.afterBytes);
        break;
      case "flipByte":
        forward(req, res, info, expectsContinue, undefined, action.at);
        break;
      case "dropResponseHeader":
        forward(req, res, info, expectsContinue, undefined, undefined, action.name);
        break;
      case "delay": {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!req.socket.destroyed) forward(req, res, info, expectsContinue);
        }, action.ms);
        timers.add(t);
        break;
      }
      case "slowDown":
        answer(req, res, info, expectsContinue, slowDownError(resource(info)));
        break;
      case "status": {
        const err = s3Error(
          action.status,
          action.code,
          action.message ?? action.code,
          resource(info),
        );
        answer(req, res, info, expectsContinue, err);
        break;
      }
      case "stall":
        if (expectsContinue) res.writeContinue();
        req.on("data", (c: Buffer) => {
          stats.bytesReceived[info.op] += c.length;
        });
        break;
      case "trickle": {
        if (expectsContinue) res.writeContinue();
        req.on("data", (c: Buffer) => {
          stats.bytesReceived[info.op] += c.length;
        });
        req.once("end", () => {
          // Raw bytes of a response head that never ends: the client's parser keeps waiting.
          const head = Buffer.from("HTTP/1.1 200 OK\r\nx-trickle: ");
          let i = 0;
          const t = setInterval(() => {
            if (req.socket.destroyed) {
              clearInterval(t);
              timers.delete(t);
              return;
            }
            req.socket.write(i < head.length ? head.subarray(i, i + 1) : "a");
            i++;
          }, action.intervalMs);
          timers.add(t);
        });
        break;
      }
    }
  }

  /** Answers without forwarding, the way S3 does: before the body under 100-continue, else after it. */
  function answer(
    req: IncomingMessage,
    res: ServerResponse,
    info: RequestInfo,
    expectsContinue: boolean,
    err: S3ErrorAnswer,
  ): void {
    const send = () => {
      if (req.socket.destroyed) return;
      // No 100 was sent, so the client still holds the body: the connection can't be reused.
      res.writeHead(
        err.status,
        expectsContinue ? { ...err.headers, connection: "close" } : err.headers,
      );
      res.end(err.body);
    };
    if (expectsContinue) {
      send();
      return;
    }
    // Drain first so the client finishes writing and reads a clean error, not a broken pipe.
    req.on("data", (c: Buffer) => {
      stats.bytesReceived[info.op] += c.length;
    });
    req.once("end", send);
  }

  /** Streams the request upstream and the answer back; with resetAfter, resets mid-body instead;
   * with flipAt, inverts that body byte on the way; with dropHeader, answers without it. */
  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    info: RequestInfo,
    expectsContinue: boolean,
    resetAfter?: number,
    flipAt?: number,
    dropHeader?: string,
  ): void {
    const up = httpRequest({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.rawHeaders, // raw array: exact names, order, duplicates and the client's Host
      agent,
    });
    let tripped = false;
    const reset = () => {
      if (tripped) return;
      tripped = true;
      req.socket.resetAndDestroy(); // RST, like a dropped connection mid-part
      up.destroy();
    };
    up.flushHeaders(); // under 100-continue the upstream decides before any body byte

    up.on("continue", () => {
      if (expectsContinue && !res.headersSent) res.writeContinue();
    });
    up.on("response", (ures) => {
      if (resetAfter !== undefined) {
        // Upstream answered before the cut (e.g. rejected early): the client still sees a reset.
        ures.resume();
        reset();
        return;
      }
      // Early answer while the client is still sending (servers do this on auth errors): close
      // afterwards, as the server does, instead of leaving a half-sent body on a reused socket.
      const raw = dropHeader ? without(ures.rawHeaders, dropHeader) : ures.rawHeaders;
      const head = req.complete ? raw : withConnectionClose(raw);
      const pass = () => {
        res.writeHead(ures.statusCode ?? 502, ures.statusMessage, head);
        pipeline(ures, res, () => {});
      };
      if (wan && wan.responseDelayMs > 0) {
        stats.wan.delayedResponses++;
        later(req, wan.responseDelayMs, pass); // the body waits paused in ures meanwhile
      } else pass();
    });
    up.on("error", () => {
      // The upstream connection broke (refused, reset, or EPIPE when the server answered early
      // and closed while the body was still streaming). Pass it on as what it is, a network
      // failure, rather than inventing an S3 error the real server never sent.
      if (tripped || req.socket.destroyed) return;
      if (!res.writableEnded) req.socket.resetAndDestroy();
    });
    res.on("close", () => {
      if (!res.writableFinished) up.destroy(); // client went away: don't finish its request
    });

    if (resetAfter === 0) {
      reset();
      return;
    }
    let forwarded = 0;
    let paced = 0; // chunks waiting for their uplink slot
    let ended = false;
    req.on("data", (chunk: Buffer) => {
      if (tripped) return;
      stats.bytesReceived[info.op] += chunk.length;
      const cut = resetAfter !== undefined && forwarded + chunk.length >= resetAfter;
      let out = cut ? chunk.subarray(0, resetAfter - forwarded) : chunk;
      if (flipAt !== undefined && flipAt >= forwarded && flipAt < forwarded + out.length) {
        out = Buffer.from(out); // a copy: the chunk may be a view the client still owns
        out[flipAt - forwarded] = (out[flipAt - forwarded] as number) ^ 0xff;
      }
      forwarded += out.length;
      stats.bytesForwarded[info.op] += out.length;
      if (cut) {
        req.pause();
        // Reset only once the cut-off bytes are flushed, so upstream really saw afterBytes.
        if (out.length > 0) up.write(out, () => reset());
        else reset();
        return;
      }
      const wait = pace && resetAfter === undefined ? pace(out.length) : 0;
      if (wait <= 0) {
        if (!up.write(out)) {
          req.pause();
          up.once("drain", () => req.resume());
        }
        return;
      }
      // Over the uplink's rate: hold this chunk (and the body behind it) for its slot.
      stats.wan.pacedBytes += out.length;
      req.pause();
      paced++;
      later(req, wait, () => {
        const resume = () => {
          paced--;
          if (ended && paced === 0) up.end();
          else req.resume();
        };
        if (up.write(out)) resume();
        else up.once("drain", resume);
      });
    });
    req.on("end", () => {
      if (tripped) return;
      // A body shorter than afterBytes still gets the reset, before the upstream sees its end.
      if (resetAfter !== undefined) reset();
      else if (paced === 0) up.end();
      else ended = true; // the last paced chunk ends it
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  if (!addr || typeof addr === "string") throw new Error("fault proxy: no TCP address");

  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    stats,
    setRules(next) {
      rules = new RuleSet(next);
    },
    resetStats() {
      zeroStats(stats);
    },
    stop() {
      if (closed) return closed;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      agent.destroy();
      return closed;
    },
  };
}
