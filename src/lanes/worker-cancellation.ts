import { BroadcastChannel } from "node:worker_threads";
import type { PoolWorkerData } from "./worker-context.js";

/**
 * A pool worker's view of cancelled calls. The pool marks a call in a shared table (read here
 * before a call starts, so a call whose client left while it was queued never runs) and
 * announces it on a BroadcastChannel (so a running call's `AbortSignal` fires as soon as this
 * thread's event loop turns: cooperative, blocking code cannot notice).
 */
export class WorkerCancellation {
  readonly #table: Int32Array;
  readonly #mask: number;
  readonly #watchers = new Map<number, () => void>();

  constructor(data: PoolWorkerData) {
    this.#table = data.cancelled;
    this.#mask = data.cancelled.length - 1;
    const channel = new BroadcastChannel(data.abortChannel);
    channel.onmessage = (event) => this.#fire((event as { data: number }).data);
    // Must not keep an idle worker alive.
    channel.unref();
  }

  /** Whether the pool has cancelled call `id`. */
  isCancelled(id: number): boolean {
    return Atomics.load(this.#table, id & this.#mask) === id;
  }

  /** Calls `onCancel` once when call `id` is cancelled (at once if it already is). */
  watch(id: number, onCancel: () => void): void {
    if (this.isCancelled(id)) {
      onCancel();
      return;
    }
    const previous = this.#watchers.get(id);
    this.#watchers.set(
      id,
      previous
        ? () => {
            previous();
            onCancel();
          }
        : onCancel,
    );
  }

  /** Forgets call `id` (it ended). */
  release(id: number): void {
    this.#watchers.delete(id);
  }

  #fire(id: number): void {
    const watcher = this.#watchers.get(id);
    if (watcher === undefined) return;
    this.#watchers.delete(id);
    watcher();
  }
}
