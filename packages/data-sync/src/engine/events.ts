// What the engine reports while it works. The CLI renders these (TTY, plain lines or JSON);
// the engine never prints. The JSON form is documented in the package README.

export type FileOutcome = "uploaded" | "resumed" | "skipped" | "adopted" | "failed";

export type SyncEvent =
  | {
      event: "plan";
      files: number;
      bytes: number;
      to_upload: number;
      to_check: number;
      /** of to_check: in the bucket's manifest, adopted when the local SHA-256 agrees */
      to_adopt: number;
      to_skip: number;
      bytes_to_send: number;
      /** bytes this machine will download or upload (0 for a full server-side copy) */
      bytes_through_machine: number;
      requests: number;
      /** how objects go in: copy (server-side, same endpoint), stream (remote source), upload */
      path: "copy" | "stream" | "upload";
      /** a dry run's plan: nothing is sent */
      dry_run: boolean;
    }
  | {
      event: "file_start";
      key: string;
      size: number;
      mode: "put" | "multipart" | "check";
      reason: string;
    }
  /** copied: bytes the server copied itself (they never passed through this machine) */
  | { event: "progress"; key: string; bytes: number; copied?: true }
  | {
      event: "file_done";
      key: string;
      size: number;
      outcome: FileOutcome;
      bytes_sent: number;
      reason?: string;
      /** copy: server-side; stream: GET from a remote source, upload; upload: from local disk */
      path?: "copy" | "stream" | "upload";
    }
  | { event: "file_failed"; key: string; error: string }
  | { event: "restart"; key: string; reason: string }
  | { event: "warning"; message: string }
  /**
   * File data has waited for memory for more than a second (waiting: true; reason: the byte
   * budget for file data is full, or the process is at its resident limit), and when it moves
   * again (waiting: false). --max-memory is what to raise.
   */
  | {
      event: "memory_wait";
      waiting: true;
      reason: "budget" | "resident";
      /** --max-memory in bytes */
      max_memory: number;
      /** bytes of file data that may be in memory at once (what --max-memory leaves for it) */
      budget: number;
    }
  | { event: "memory_wait"; waiting: false; waited_ms: number }
  | { event: "manifest"; key: string; version: string; files: number; written: boolean };

export type EmitFn = (e: SyncEvent) => void;
