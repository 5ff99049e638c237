import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { RequestSource } from "../request.js";
import type { RequestContext } from "../watch/request-context.js";
import { SocketBodySource } from "./body-source.js";

/**
 * A `node:http` request as the framework's {@link RequestSource}. One object with its methods on
 * the prototype rather than a literal with closures, and the header object is built only when
 * something reads it: Node parses headers into an object lazily, and a route that never looks at
 * them (most GETs) should not pay for it.
 */
export class SocketRequestSource implements RequestSource {
  readonly method: string;
  readonly url: string;
  readonly body: SocketBodySource;
  readonly context: RequestContext;
  readonly #message: IncomingMessage;
  readonly #response: ServerResponse;
  // Read now: once the socket is closed Node may no longer know the peer.
  readonly #host: string | undefined;
  readonly #port: number;

  constructor(message: IncomingMessage, response: ServerResponse, url: string, context: RequestContext) {
    this.method = context.method;
    this.url = url;
    this.context = context;
    this.#message = message;
    this.#response = response;
    this.body = new SocketBodySource(message);
    const socket = message.socket;
    this.#host = socket.remoteAddress;
    this.#port = socket.remotePort ?? 0;
  }

  get headers(): IncomingHttpHeaders {
    return this.#message.headers;
  }

  get client(): { host: string; port: number } | undefined {
    return this.#host ? { host: this.#host, port: this.#port } : undefined;
  }

  watchClose(onClientGone: () => void): void {
    const response = this.#response;
    response.once("close", () => {
      if (!response.writableFinished) onClientGone();
    });
  }
}
