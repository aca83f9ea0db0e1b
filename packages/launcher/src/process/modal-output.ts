// Reads what `modal run` prints, line by line, for the three things a launch needs:
//   the app id   ap-...                                  (Modal's output and the BGB_RUN line)
//   the run URL  "View run at https://modal.com/apps/..." (Modal's output)
//   BGB_RUN {"run","action","function_call_id","app_id"} (modal/app.py, once the call is spawned)
// Pure: fed text, it keeps state; tested without any process.

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;
export const APP_ID_RE = /\bap-[A-Za-z0-9]+\b/;
export const RUN_URL_RE = /https:\/\/modal\.com\/apps\/[^\s"'<>)\]]+/;
const BGB_RUN_PREFIX = "BGB_RUN ";

export interface BgbRun {
  run: string;
  action: string;
  function_call_id: string | null;
  app_id: string | null;
}

export class ModalOutputScanner {
  appId: string | null = null;
  url: string | null = null;
  bgbRun: BgbRun | null = null;
  /** A BGB_RUN line that did not parse (reported, never guessed from). */
  badBgbRun: string | null = null;
  private partial = "";

  /** Feeds output; returns the complete lines it contained (ANSI codes removed). */
  feed(chunk: string): string[] {
    const text = this.partial + chunk;
    const parts = text.split(/\r\n|\r|\n/);
    this.partial = parts.pop() ?? "";
    return this.take(parts);
  }

  /** The output ended: the last line may have had no newline. */
  end(): string[] {
    const rest = this.partial;
    this.partial = "";
    return rest ? this.take([rest]) : [];
  }

  private take(lines: string[]): string[] {
    const out: string[] = [];
    for (const raw of lines) {
      const line = raw.replace(ANSI, "").trimEnd();
      if (!line.trim()) continue;
      out.push(line);
      this.scan(line.trim());
    }
    return out;
  }

  private scan(line: string): void {
    if (line.startsWith(BGB_RUN_PREFIX) && this.bgbRun === null) {
      const parsed = parseBgbRun(line.slice(BGB_RUN_PREFIX.length));
      if (parsed) {
        this.bgbRun = parsed;
        // The app's own report of its id wins over anything read from Modal's chatter.
        if (parsed.app_id) this.appId = parsed.app_id;
      } else this.badBgbRun = line;
      return;
    }
    const url = RUN_URL_RE.exec(line)?.[0]?.replace(/[.,;:]+$/, "");
    if (url && this.url === null) this.url = url;
    const id = APP_ID_RE.exec(line)?.[0];
    if (id && this.appId === null) this.appId = id;
  }
}

export function parseBgbRun(json: string): BgbRun | null {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  if (v === null || typeof v !== "object") return null;
  const o = v as Record<string, unknown>;
  if (typeof o.run !== "string" || typeof o.action !== "string") return null;
  const str = (x: unknown) => (typeof x === "string" && x !== "" ? x : null);
  const appId = str(o.app_id);
  return {
    run: o.run,
    action: o.action,
    function_call_id: str(o.function_call_id),
    app_id: appId && APP_ID_RE.test(appId) ? appId : null,
  };
}
