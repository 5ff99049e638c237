import type { IncomingMessage } from "node:http";
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from "node:http";
import type { Duplex } from "node:stream";
import type { Response } from "../responses/response.js";
import { Buffer } from "node:buffer";

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Whether an upgrade request asks for a WebSocket. Other upgrades (h2c...) stay ordinary HTTP
 * requests (Node's `shouldUpgradeCallback`), so a stray `Upgrade` header cannot turn a request
 * away from the app's routes.
 */
export function isWebSocketUpgrade(im: IncomingMessage): boolean {
  return typeof im.headers.upgrade === "string" && im.headers.upgrade.toLowerCase() === "websocket";
}

/** Why an upgrade request is not a valid WebSocket handshake, or undefined if it is one. */
export function handshakeProblem(im: IncomingMessage): string | undefined {
  if (im.method !== "GET") return "A WebSocket handshake must be a GET request";
  if (String(im.headers.upgrade).toLowerCase() !== "websocket") return "Invalid Upgrade header";
  const key = im.headers["sec-websocket-key"];
  if (key === undefined || !KEY.test(key)) return "Missing or invalid Sec-WebSocket-Key header";
  const version = im.headers["sec-websocket-version"];
  if (version !== "13" && version !== "8") return "Missing or invalid Sec-WebSocket-Version header";
  return undefined;
}

/**
 * Answers an upgrade request with a plain HTTP response instead of switching protocols (a route
 * not found, a refused connection) and closes the socket once it is written.
 */
export function writeHttpResponse(socket: Duplex, response: Response): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = response.body === null ? Buffer.alloc(0) : typeof response.body === "string" || response.body instanceof Uint8Array ? Buffer.from(response.body) : Buffer.alloc(0);
  let head = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? "Error"}\r\n`;
  for (const [name, value] of Object.entries(response.headers)) {
    if (name === "content-length" || name === "connection" || name === "transfer-encoding") continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, one);
      } catch {
        continue;
      }
      head += `${name}: ${one}\r\n`;
    }
  }
  head += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  socket.once("finish", () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(head, "latin1"), body]));
}
