import { MessageChannel, parentPort } from "node:worker_threads";
import { encodeError } from "./error-transport.js";
import { transferableBody, type ResponseHead, type SideMessage } from "./messages.js";
import { STREAM_WINDOW, type StreamChunkMessage, type StreamControlMessage } from "./stream-protocol.js";
import type { WorkerCancellation } from "./worker-cancellation.js";

/**
 * Worker side: announces a streamed response to the main thread, then sends its chunks one by
 * one as the main thread asks for them. Stops, closing the producer (its `finally` blocks run),
 * when the main thread cancels (client gone) or the call is cancelled.
 */
export async function sendStream(
  callId: number,
  head: ResponseHead,
  body: AsyncIterable<Uint8Array | string>,
  cancellation: WorkerCancellation,
): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  const announce: SideMessage = { loopwiseSide: callId, head, body: null, port: port2 };
  parentPort!.postMessage(announce, [port2]);

  let credit = STREAM_WINDOW;
  let stopped = false;
  let wake: (() => void) | undefined;
  const onControl = (message: StreamControlMessage) => {
    if ("cancel" in message) stopped = true;
    else credit += message.credit;
    wake?.();
  };
  const onClose = () => {
    // The main thread is gone from this stream (it closed its end): nobody will read more.
    stopped = true;
    wake?.();
  };
  port1.on("message", onControl);
  port1.on("close", onClose);
  cancellation.watch(callId, () => {
    stopped = true;
    wake?.();
  });

  const iterator = body[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (!stopped) {
      if (credit <= 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      const next = await iterator.next();
      if (next.done) {
        finished = true;
        break;
      }
      const { body: chunk, transfer } = transferableBody(next.value);
      if (chunk === null) continue;
      const message: StreamChunkMessage = { chunk };
      port1.postMessage(message, transfer);
      credit--;
    }
    if (finished) port1.postMessage({ end: true } satisfies StreamChunkMessage);
  } catch (error) {
    finished = true;
    port1.postMessage({ error: encodeError(error) } satisfies StreamChunkMessage);
  } finally {
    if (!finished) await iterator.return?.();
    port1.off("message", onControl);
    port1.off("close", onClose);
    port1.close();
  }
}
