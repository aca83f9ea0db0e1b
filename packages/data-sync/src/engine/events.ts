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
      to_skip: number;
      bytes_to_send: number;
    }
  | {
      event: "file_start";
      key: string;
      size: number;
      mode: "put" | "multipart" | "check";
      reason: string;
    }
  | { event: "progress"; key: string; bytes: number }
  | {
      event: "file_done";
      key: string;
      size: number;
      outcome: FileOutcome;
      bytes_sent: number;
      reason?: string;
    }
  | { event: "file_failed"; key: string; error: string }
  | { event: "restart"; key: string; reason: string }
  | { event: "warning"; message: string }
  | { event: "manifest"; key: string; version: string; files: number; written: boolean };

export type EmitFn = (e: SyncEvent) => void;
