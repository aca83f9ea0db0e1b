// Everything a file transfer needs, built once per run by sync.ts.

import type { BufferPool } from "./buffer-pool.ts";
import type { CopyRoute } from "./copy-file.ts";
import type { EmitFn } from "./events.ts";
import type { OpenJournal } from "./journal/journal.ts";
import type { BandwidthLimit, Budget } from "./limits.ts";
import type { Source } from "./source.ts";
import type { ObjectStore } from "./store.ts";

export interface TransferContext {
  store: ObjectStore;
  source: Source;
  journal: OpenJournal;
  prefix: string;
  storageClass: string | undefined;
  /** the requested part size: files larger than this go multipart */
  partSize: number;
  /** bytes of file data held in memory at once */
  memory: Budget;
  buffers: BufferPool;
  /** requests in flight at once (= HTTP sockets) */
  requests: Budget;
  bandwidth: BandwidthLimit;
  signal: AbortSignal;
  emit: EmitFn;
  /** awaited before an object is overwritten (PUT or CompleteMultipartUpload): see manifest-guard.ts */
  beforeReplace: (relPath: string) => Promise<void>;
  /** how often a file that keeps changing under us is retried before it is reported */
  changeRetries: number;
  /** set when the source is an S3 prefix on the destination's endpoint: copy server-side */
  copy?: CopyRoute;
}
