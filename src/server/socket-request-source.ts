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

  constructor(message: IncomingMessage, response: ServerResponse, url: string, context: RequestContext) {
    this.method = context.method;
    this.url = url;
    this.context = context;
    this.#message = message;
    this.#response = response;
    this.body = new SocketBodySource(message);
  }

  get headers(): IncomingHttpHeaders {
    return this.#message.headers;
  }

  firstHeader(name: string): string | undefined {
    // The parser's flat [name, value, ...] list: reading one header must not build the object.
    const raw = this.#message.rawHeaders;
    const length = name.length;
    for (let i = 0; i < raw.length; i += 2) {
      const candidate = raw[i]!;
      if (candidate.length === length && (candidate === name || candidate.toLowerCase() === name)) return raw[i + 1];
    }
    return undefined;
  }

  get client(): { host: string; port: number } | undefined {
    // Still known after the socket closed: the server asked when the connection came (rememberPeer).
    const socket = this.#message.socket;
    const host = socket?.remoteAddress;
    return host ? { host, port: socket!.remotePort ?? 0 } : undefined;
  }

  watchClose(onClientGone: () => void): void {
    const response = this.#response;
    response.once("close", () => {
      if (!response.writableFinished) onClientGone();
    });
  }
}
