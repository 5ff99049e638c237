const CONNECTIONS = Symbol.for("loopwise.queue.connections");

/**
 * Closes the queue lane's connections if this process opened any, without loading BullMQ when
 * it did not (apps that never enqueue never pay for it).
 */
export async function closeQueueConnectionsIfOpen(): Promise<void> {
  if ((globalThis as { [CONNECTIONS]?: unknown })[CONNECTIONS] === undefined) return;
  const { closeQueueConnections } = await import("./connections.js");
  await closeQueueConnections();
}
