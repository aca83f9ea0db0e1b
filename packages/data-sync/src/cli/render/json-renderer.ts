// --json: one JSON object per line on stdout; the last line is {"event":"summary",...}.
import type { Renderer } from "./renderer.ts";

export function jsonRenderer(out: NodeJS.WritableStream = process.stdout): Renderer {
  const write = (o: object) => out.write(`${JSON.stringify(o)}\n`);
  return {
    event: (e) => {
      if (e.event !== "progress") write(e);
    },
    finish: (summary) => write({ event: "summary", ...summary }),
    fatal: (message, exitCode) => write({ event: "error", message, exit_code: exitCode }),
  };
}
