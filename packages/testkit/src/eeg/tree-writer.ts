// Writes one generated dataset under a root and records what it wrote, so every generator
// returns the same summary shape (paths relative and POSIX, as S3 keys will be).
import { createHash } from "node:crypto";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { type EdfWriteSpec, writeEdf } from "./edf.ts";

export interface GeneratedFile {
  /** Relative to the dataset root, POSIX separators. */
  path: string;
  size: number;
  /** Hex SHA-256, only where the dataset has a checksum list (CHB-MIT). */
  sha256?: string;
}

/** What the generator wrote for one EDF: the truth a dataset report is checked against. */
export interface GeneratedRecording {
  /** EDF path, relative to the root. */
  edf: string;
  /** The label file describing it (TUSZ: the .csv beside it; CHB-MIT: the patient's summary). */
  labels: string;
  /** TUSZ train/dev/eval; CHB-MIT "all". */
  split: string;
  patient: string;
  /** TUSZ session folder (sNNN_YYYY); null for CHB-MIT. */
  session: string | null;
  /** TUSZ montage folder; null for CHB-MIT. */
  montage: string | null;
  durationSeconds: number;
  sampleRate: number;
  channels: readonly string[];
  /** Seizure intervals in seconds from the start of the recording, in time order. */
  seizures: { start: number; stop: number }[];
}

export interface DatasetSummary<Counts> {
  root: string;
  /** Every file written, sorted by path. */
  files: GeneratedFile[];
  bytesTotal: number;
  counts: Counts;
  /** One entry per EDF written, sorted by EDF path. */
  recordings: GeneratedRecording[];
}

export class TreeWriter {
  private readonly files: GeneratedFile[] = [];
  private readonly dirs = new Set<string>();

  private constructor(
    readonly root: string,
    private readonly hashAll: boolean,
  ) {}

  /**
   * Refuses a non-empty root unless `replace`, since stale files from an earlier run would
   * silently join the dataset (and miss from its checksum list).
   */
  static async open(root: string, opts: { replace?: boolean; sha256?: boolean }) {
    const existing = await readdir(root).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return [];
      throw e;
    });
    if (existing.length > 0) {
      if (!opts.replace) throw new Error(`output directory ${root} is not empty (use replace)`);
      // A mistyped --out must not wipe the working tree: never replace cwd or one of its parents.
      const rel = relative(resolve(root), process.cwd());
      if (!rel.startsWith("..") && !isAbsolute(rel)) {
        throw new Error(`refusing to replace ${root}: it contains the working directory`);
      }
      await rm(root, { recursive: true, force: true });
    }
    await mkdir(root, { recursive: true });
    return new TreeWriter(root, opts.sha256 ?? false);
  }

  async edf(path: string, spec: Omit<EdfWriteSpec, "sha256">): Promise<GeneratedFile> {
    const written = await writeEdf(await this.prepare(path), { ...spec, sha256: this.hashAll });
    return this.add({ path, ...written });
  }

  async text(path: string, content: string | Buffer): Promise<GeneratedFile> {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    await writeFile(await this.prepare(path), bytes);
    const file: GeneratedFile = { path, size: bytes.length };
    if (this.hashAll) file.sha256 = createHash("sha256").update(bytes).digest("hex");
    return this.add(file);
  }

  list(): readonly GeneratedFile[] {
    return this.files;
  }

  summary<C>(counts: C, recordings: readonly GeneratedRecording[] = []): DatasetSummary<C> {
    const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const files = [...this.files].sort((a, b) => byPath(a.path, b.path));
    const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
    const sorted = [...recordings].sort((a, b) => byPath(a.edf, b.edf));
    return { root: this.root, files, bytesTotal, counts, recordings: sorted };
  }

  private async prepare(path: string): Promise<string> {
    if (path.startsWith("/") || path.split("/").includes("..")) throw new Error(`bad path ${path}`);
    const full = join(this.root, ...path.split("/"));
    const dir = dirname(full);
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    return full;
  }

  private add(file: GeneratedFile): GeneratedFile {
    this.files.push(file);
    return file;
  }
}
