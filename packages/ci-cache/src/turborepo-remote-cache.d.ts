// The package ships JavaScript only; this is the part of its API the wrapper uses.
declare module "turborepo-remote-cache" {
  import type { Server } from "node:net";

  export interface CacheRequest {
    url: string;
    query: Record<string, unknown>;
  }
  export interface CacheReply {
    code(status: number): CacheReply;
    send(body: unknown): CacheReply;
  }
  export interface CacheApp {
    addHook(
      name: "onRequest",
      hook: (req: CacheRequest, reply: CacheReply) => Promise<CacheReply | undefined>,
    ): void;
    get(path: string, handler: () => Promise<unknown>): void;
    listen(options: { host: string; port: number }): Promise<string>;
    close(): Promise<void>;
    readonly server: Server;
  }
  /** A Fastify app serving turbo's remote-cache API (/v8/artifacts/...). */
  export function createApp(options?: {
    bodyLimit?: number;
    logger?: boolean | { level: string };
  }): CacheApp;
}
