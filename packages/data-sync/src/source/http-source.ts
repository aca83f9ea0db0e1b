// A dataset published over https (e.g. CHB-MIT on PhysioNet). Web servers have no listing we
// can trust, so the dataset's checksum list (SHA256SUMS.txt) is the listing; a HEAD per file gives
// size and change token, parts are read with Range GETs.
import { setTimeout as sleep } from "node:timers/promises";
import pLimit from "p-limit";
import { FatalError, InterruptedError, UsageError } from "../engine/errors.ts";
import type { FileIdentity } from "../engine/journal/records.ts";
import { checkRelPath } from "../engine/keys.ts";
import type {
  OpenedFile,
  Source,
  SourceEntry,
  SourceListing,
  SourceProblem,
} from "../engine/source.ts";

export interface HttpSourceOptions {
  /** HEAD requests in flight while listing */
  concurrency?: number;
  /** tries per request, transient failures only */
  attempts?: number;
  /** base timeout per request; reads get more time per byte */
  timeoutMs?: number;
  /** Ctrl-C: ends a request or a backoff wait at once */
  signal?: AbortSignal;
}

/** A failure worth another try: connection reset, timeout, 5xx, 429. */
class Transient extends Error {}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The URL with any user name and password replaced: safe to print. */
export function redactUrl(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1***@");
}

function baseUrlOf(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`source ${redactUrl(raw)} is not a valid URL`);
  }
  if (u.username || u.password) {
    // fetch refuses them anyway, and a URL ends up in messages, logs and journals.
    throw new UsageError(
      `source ${redactUrl(raw)}: a user name or password in the URL is not supported (it would be printed and logged); publish the dataset without one or mirror it locally`,
    );
  }
  // Plain http only where nobody can tamper with it: tests and local mirrors.
  if (u.protocol !== "https:" && !(u.protocol === "http:" && LOOPBACK.has(u.hostname))) {
    throw new UsageError(
      `source ${redactUrl(raw)}: a URL source must use https:// (http:// only on loopback)`,
    );
  }
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  u.search = "";
  u.hash = "";
  return u;
}

function netCode(err: unknown): string {
  if (err instanceof Transient) return err.message;
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return "timed out";
  return e.cause?.code ?? e.code ?? e.cause?.message ?? String(err);
}

export async function httpSource(
  url: string,
  checksums: string | null | undefined,
  opts: HttpSourceOptions = {},
): Promise<Source> {
  const base = baseUrlOf(url);
  if (!checksums) {
    throw new UsageError(
      `source ${base.href}: a URL source needs "checksums:" in the dataset config (e.g. SHA256SUMS.txt); it is the file listing`,
    );
  }
  const attempts = opts.attempts ?? 4;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const label = base.href;
  const sumsName = checksums;
  const urlOf = (rel: string) =>
    new URL(rel.split("/").map(encodeURIComponent).join("/"), base).href;

  /** fetch with retries on transient failures; `check` turns a response into a result or throws. */
  async function request<T>(
    target: string,
    init: RequestInit,
    extraMs: number,
    check: (res: Response) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        // identity: a compressed answer would make sizes and ranges meaningless
        const headers = { "accept-encoding": "identity", ...(init.headers as object) };
        const res = await fetch(target, {
          ...init,
          headers,
          redirect: "follow",
          signal: AbortSignal.any([
            AbortSignal.timeout(Math.ceil(timeoutMs + extraMs)),
            ...(opts.signal ? [opts.signal] : []),
          ]),
        });
        if (res.status >= 500 || res.status === 429) {
          await res.body?.cancel();
          throw new Transient(`HTTP ${res.status}`);
        }
        return await check(res);
      } catch (err) {
        if (opts.signal?.aborted) throw new InterruptedError();
        const transient =
          err instanceof Transient ||
          (!(err instanceof FatalError) && !(err instanceof UsageError) && isNetworkError(err));
        if (!transient || attempt >= attempts) {
          if (transient) throw new Error(`${target}: ${netCode(err)} (after ${attempt} tries)`);
          throw err;
        }
        // Full jitter so many parts retrying at once don't hit the server together.
        await sleep(Math.random() * Math.min(5000, 200 * 2 ** attempt), undefined, {
          ...(opts.signal ? { signal: opts.signal } : {}),
        }).catch(() => {
          throw new InterruptedError(); // only an abort rejects
        });
      }
    }
  }

  // The listing itself: its absence means nothing can be synced.
  const sumsUrl = urlOf(checksums);
  let sumsText: string;
  try {
    sumsText = await request(sumsUrl, {}, 0, async (res) => {
      if (!res.ok) {
        await res.body?.cancel();
        throw new FatalError(
          `source ${label}: ${checksums} ${res.status === 404 ? "is not there" : "cannot be fetched"} (HTTP ${res.status} for ${sumsUrl}); check the source URL and "checksums:"`,
        );
      }
      return res.text();
    });
  } catch (err) {
    if (err instanceof FatalError) throw err;
    throw new FatalError(`source ${label} is unreachable: ${(err as Error).message}`);
  }
  const parsed = parseChecksums(sumsText, checksums);

  async function head(rel: string, expected?: string): Promise<FileIdentity> {
    const target = urlOf(rel);
    return request(target, { method: "HEAD" }, 0, async (res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${target}`);
      const size = Number(res.headers.get("content-length") ?? Number.NaN);
      if (!Number.isSafeInteger(size) || size < 0)
        throw new Error(`no Content-Length for ${target}`);
      // The change token: what tells a replaced file from the one we started uploading.
      const token =
        res.headers.get("etag") ??
        res.headers.get("last-modified") ??
        (expected ? `sha256:${expected}` : "");
      return { size, mtime: token, id: target };
    });
  }

  async function list(filter: (rel: string) => boolean): Promise<SourceListing> {
    const problems: SourceProblem[] = [...parsed.problems];
    const wanted: { rel: string; raw: string; sha?: string }[] = [];
    for (const [raw, sha] of [...parsed.sums, [sumsName, undefined] as const]) {
      if (!filter(raw)) continue;
      const key = checkRelPath(raw);
      if (!key.ok) problems.push({ relPath: raw, message: `refused: ${key.why}` });
      else wanted.push({ rel: key.rel, raw, ...(sha ? { sha } : {}) });
    }
    const limit = pLimit(opts.concurrency ?? 16);
    const results = await Promise.all(
      wanted.map((w) =>
        limit(async (): Promise<SourceEntry | undefined> => {
          try {
            // Requests use the listed name; the key is its normalised form.
            const id = await head(w.raw, w.sha);
            return {
              relPath: w.rel,
              ...(w.raw !== w.rel ? { sourcePath: w.raw } : {}),
              ...id,
              ...(w.sha ? { expectedSha256: w.sha } : {}),
            };
          } catch (err) {
            problems.push({ relPath: w.rel, message: `cannot read (${(err as Error).message})` });
            return undefined;
          }
        }),
      ),
    );
    const entries = results.filter((e): e is SourceEntry => e !== undefined);
    const byPath = (a: { relPath: string }, b: { relPath: string }) =>
      a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0;
    // HEADs finish in any order; the listing should not
    return { entries: entries.sort(byPath), problems: problems.sort(byPath) };
  }

  async function open(entry: SourceEntry): Promise<OpenedFile> {
    const name = entry.sourcePath ?? entry.relPath;
    const target = urlOf(name);
    return {
      async read(start, end) {
        if (end <= start) return Buffer.alloc(0);
        const want = end - start;
        // Allow a slow link at least 64 KiB/s on top of the base timeout.
        return request(
          target,
          { headers: { range: `bytes=${start}-${end - 1}` } },
          (want / 65536) * 1000,
          async (res) => {
            if (res.status === 200 && !(start === 0 && end === entry.size)) {
              await res.body?.cancel();
              throw new FatalError(
                `source ${label}: the server ignored a Range request (HTTP 200 instead of 206 for ${target}); files can't be read in parts from it`,
              );
            }
            if (res.status !== 206 && res.status !== 200) {
              await res.body?.cancel();
              throw new Error(`HTTP ${res.status} reading ${target}`);
            }
            if (res.status === 206) {
              const cr = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(
                res.headers.get("content-range") ?? "",
              );
              if (!cr || Number(cr[1]) !== start || Number(cr[2]) !== end - 1) {
                await res.body?.cancel();
                throw new Error(
                  `${target}: asked for bytes ${start}-${end - 1}, got Content-Range "${res.headers.get("content-range")}"`,
                );
              }
              if (cr[3] !== "*" && Number(cr[3]) !== entry.size)
                throw new Error(
                  `${target} changed upstream: now ${cr[3]} bytes, listed ${entry.size}`,
                );
            }
            let buf: Buffer;
            try {
              buf = Buffer.from(await res.arrayBuffer());
            } catch (err) {
              throw new Transient(netCode(err)); // reset in the middle of the body
            }
            if (buf.length !== want)
              throw new Transient(`short body: ${buf.length} of ${want} bytes`);
            return buf;
          },
        );
      },
      // Re-HEAD: a file replaced upstream mid-upload shows a new ETag/Last-Modified/size.
      identity: () => head(name, entry.expectedSha256),
      close: async () => {},
    };
  }

  return { label, list, open };
}

function isNetworkError(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  // fetch reports every socket failure as TypeError("fetch failed", { cause })
  return name === "TimeoutError" || (err instanceof TypeError && "cause" in err);
}

/** `<sha256>  <path>` per line (sha256sum text or binary mode); bad lines are problems, not fatal. */
export function parseChecksums(
  text: string,
  name: string,
): { sums: Map<string, string>; problems: SourceProblem[] } {
  const sums = new Map<string, string>();
  const problems: SourceProblem[] = [];
  const conflicted = new Set<string>();
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!m) {
      problems.push({ relPath: `${name}:${i + 1}`, message: "not a `<sha256>  <path>` line" });
      continue;
    }
    const rel = (m[2] as string).replace(/^\.\//, "");
    const sha = (m[1] as string).toLowerCase();
    if (rel === name || conflicted.has(rel)) continue;
    const prev = sums.get(rel);
    if (prev !== undefined && prev !== sha) {
      // Neither hash can be trusted: report it instead of uploading against the wrong one.
      problems.push({ relPath: rel, message: `listed twice in ${name} with different hashes` });
      sums.delete(rel);
      conflicted.add(rel);
      continue;
    }
    sums.set(rel, sha);
  }
  return { sums, problems };
}
