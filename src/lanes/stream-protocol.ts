import type { EncodedError } from "./error-transport.js";

/**
 * A response stream crossing threads on its own MessagePort, with credit-based backpressure:
 * the worker may have at most {@link STREAM_WINDOW} chunks in flight; the main thread returns
 * credit as the socket takes chunks, so a slow client slows the producer down.
 */
export const STREAM_WINDOW = 8;

/** Worker → main. */
export type StreamChunkMessage =
  | { readonly chunk: string | Uint8Array }
  | { readonly end: true }
  | { readonly error: EncodedError };

/** Main → worker. */
export type StreamControlMessage = { readonly credit: number } | { readonly cancel: true };
