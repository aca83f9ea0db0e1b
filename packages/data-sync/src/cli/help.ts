// What --help shows beyond the flags: examples first (as rclone and the AWS CLI do), then the one
// exit table. And `help` typed where a dataset goes (`pnpm sync help`), which means --help.
import { exitCodesHelp } from "@bgb/shared/cli";

const TAIL = `
${exitCodesHelp()}

Endpoint: --endpoint, else the dataset's endpoint_url, else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL,
else AWS S3. Credentials come only from the standard AWS chain (env, profile, SSO, instance role).`;

export type HelpTopic = "sync" | "status" | "verify" | "gc" | "report" | "data-sync";

/** Example lines of each command; `sync` is `pnpm sync` alone or `pnpm data-sync sync`. */
function examples(topic: HelpTopic, sync: string): string[] {
  const ds = "pnpm data-sync";
  switch (topic) {
    case "sync":
      return [
        `${sync} tuh --dry-run                 # totals, requests, $/month; nothing sent`,
        `${sync} tuh                           # upload; run it again after any interruption`,
        `${sync} tuh --source ~/eeg/tusz --bucket my-bucket --endpoint http://127.0.0.1:7070`,
        `${sync} chbmit --source https://physionet.org/files/chbmit/1.0.0/`,
        `${sync} tuh --allow-partial           # write the manifest for a partial download`,
      ];
    case "status":
      return [`${ds} status tuh`, `${ds} status tuh --json`];
    case "verify":
      return [
        `${ds} verify tuh                      # HEAD + checksums of every manifest object`,
        `${ds} verify tuh --deep               # download and hash each object`,
      ];
    case "gc":
      return [`${ds} gc tuh --dry-run                # what would be aborted`, `${ds} gc tuh`];
    case "report":
      return [
        `${ds} report tuh`,
        `${ds} report tuh --html report.html`,
        `${ds} report tuh --from-bucket`,
      ];
    case "data-sync":
      return [
        `${ds} sync tuh --dry-run`,
        `${ds} status tuh`,
        `${ds} verify tuh`,
        `${ds} gc tuh --dry-run`,
        `${ds} report tuh`,
        `${ds} help verify                     # one command's flags and examples`,
      ];
  }
}

/** The text after a command's flags: its examples, the exit table, where the endpoint comes from. */
export function helpAfter(topic: HelpTopic, syncOnly: boolean): string {
  const sync = syncOnly ? "pnpm sync" : "pnpm data-sync sync";
  // comments after "#" line up, whatever the length of the command before them
  const rows = examples(topic, sync).map((l) => {
    const [cmd = "", note] = l.split(/\s+# /);
    return { cmd, note };
  });
  const width = Math.max(...rows.filter((r) => r.note).map((r) => r.cmd.length), 0);
  const lines = rows.map((r) => `  ${r.note ? `${r.cmd.padEnd(width)}   # ${r.note}` : r.cmd}`);
  return `\nExamples:\n${lines.join("\n")}\n${TAIL}`;
}

/**
 * `sync help`, `sync help <anything>` and `data-sync <cmd> help` ask for help, not for a dataset
 * named "help" (commander's own `data-sync help <cmd>` already works).
 */
export function helpAlias(argv: string[], syncOnly: boolean): string[] {
  if (syncOnly) return argv[0] === "help" ? ["--help"] : argv;
  const [cmd, arg] = argv;
  if (cmd && !cmd.startsWith("-") && arg === "help") return [cmd, "--help"];
  return argv;
}
