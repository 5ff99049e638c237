/** WebSocket close codes (RFC 6455 §7.4.1) with the names Starlette uses (`WS_1008_POLICY_VIOLATION`). */
export const WS_1000_NORMAL_CLOSURE = 1000;
export const WS_1001_GOING_AWAY = 1001;
export const WS_1003_UNSUPPORTED_DATA = 1003;
export const WS_1006_ABNORMAL_CLOSURE = 1006;
export const WS_1007_INVALID_FRAME_PAYLOAD_DATA = 1007;
export const WS_1008_POLICY_VIOLATION = 1008;
export const WS_1009_MESSAGE_TOO_BIG = 1009;
export const WS_1011_INTERNAL_ERROR = 1011;
export const WS_1012_SERVICE_RESTART = 1012;
export const WS_1013_TRY_AGAIN_LATER = 1013;

/**
 * Thrown by `receive()` (and `send()`) once the connection is closed, with the close code and
 * reason (Starlette's `WebSocketDisconnect`). Iterating the connection with `for await` ends
 * quietly instead.
 *
 * @example
 * try {
 *   for (;;) await ws.send(`echo: ${await ws.receiveText()}`);
 * } catch (error) {
 *   if (!(error instanceof WebSocketDisconnect)) throw error;
 * }
 */
export class WebSocketDisconnect extends Error {
  readonly code: number;
  readonly reason: string;

  constructor(code: number = WS_1000_NORMAL_CLOSURE, reason = "") {
    super(`WebSocket closed with code ${code}${reason ? `: ${reason}` : ""}`);
    this.name = "WebSocketDisconnect";
    this.code = code;
    this.reason = reason;
  }
}
