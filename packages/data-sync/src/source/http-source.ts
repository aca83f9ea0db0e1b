// Placeholder until the https source lands (being written now): refuses clearly.
import { UsageError } from "../engine/errors.ts";
import type { Source } from "./source.ts";

export async function httpSource(url: string, _checksums?: string | null): Promise<Source> {
  throw new UsageError(
    `source ${url}: https sources are not implemented yet; download it and pass --source <dir>`,
  );
}
