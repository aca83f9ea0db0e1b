// A run-level cutoff. The per-socket --request-timeout catches silence, not a server that
// answers one byte at a time forever; this catches any run in which no request to the bucket
// has completed for --stall-timeout, and stops it (journal intact: the next run continues).
import type { ObjectStore } from "./store.ts";

export interface StallWatch {
  /** the store, with every completed request counting as progress */
  store: ObjectStore;
  stop(): void;
}

export function watchForStall(
  store: ObjectStore,
  timeoutMs: number,
  onStall: (idleMs: number) => void,
): StallWatch {
  let last = Date.now();
  const touch = () => {
    last = Date.now();
  };
  const timer = setInterval(
    () => {
      const idle = Date.now() - last;
      if (idle >= timeoutMs) onStall(idle);
    },
    Math.max(50, Math.min(1000, timeoutMs / 4)),
  );
  timer.unref();
  const watched = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const out = value.apply(target, args);
        return out instanceof Promise
          ? out.then((v) => {
              touch();
              return v;
            })
          : out;
      };
    },
  });
  return { store: watched, stop: () => clearInterval(timer) };
}
