import { BroadcastChannel } from "node:worker_threads";

/** What a fixture's pool threads announced on a BroadcastChannel, and a way to wait for one. */
export interface ThreadEvents {
  readonly events: Record<string, unknown>[];
  /** Resolves once an event matching `predicate` arrived (or already had). */
  until(predicate: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  close(): void;
}

/** Listens on `channelName`: pool threads of the same process post there from any thread. */
export function listenToThreads(channelName: string): ThreadEvents {
  const channel = new BroadcastChannel(channelName);
  const events: Record<string, unknown>[] = [];
  const waiters: { predicate: (event: Record<string, unknown>) => boolean; resolve: (event: Record<string, unknown>) => void }[] = [];
  channel.onmessage = (message) => {
    const event = (message as { data: Record<string, unknown> }).data;
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  };
  return {
    events,
    until: (predicate) => {
      const seen = events.find(predicate);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    close: () => channel.close(),
  };
}
