import { parsePathTemplate } from "../routing/path-template.js";
import { RouteTable } from "../routing/route-table.js";
import { WS_1001_GOING_AWAY } from "./close-codes.js";
import type { WebSocketConnection } from "./connection.js";
import { WebSocketRoute, type WebSocketHandler, type WebSocketOptions } from "./websocket-route.js";

/** An app's WebSocket routes and the connections open on them. */
export class WebSocketRoutes {
  readonly #table = new RouteTable<WebSocketRoute>();
  readonly #routes: WebSocketRoute[] = [];
  readonly #live = new Set<WebSocketConnection>();
  #closing = false;

  /** Registers a route; a duplicate path is an error. */
  add(path: string, options: WebSocketOptions, handler: WebSocketHandler<any, any>): WebSocketRoute {
    const route = new WebSocketRoute(parsePathTemplate(path), options, handler);
    this.#table.add("GET", route.template, route);
    this.#routes.push(route);
    return route;
  }

  /** Every route, in declaration order. */
  get routes(): readonly WebSocketRoute[] {
    return this.#routes;
  }

  /** The route for a path, with its raw path parameters. */
  lookup(path: string): { route: WebSocketRoute; params: Record<string, string> } | undefined {
    if (this.#routes.length === 0) return undefined;
    const found = this.#table.lookup("GET", path);
    return found.kind === "found" ? { route: found.route, params: found.params } : undefined;
  }

  /** Whether the app is shutting down (new connections are refused with 503). */
  get closing(): boolean {
    return this.#closing;
  }

  /** Connections currently open or being accepted. */
  get open(): number {
    return this.#live.size;
  }

  /** @internal Keeps a connection until it is closed. */
  track(connection: WebSocketConnection): void {
    this.#live.add(connection);
  }

  /** @internal */
  untrack(connection: WebSocketConnection): void {
    this.#live.delete(connection);
  }

  /**
   * Closes every connection with 1001 (Going Away) and waits for the closing handshakes, up to
   * `timeoutMs`; the ones still open then are cut. New connections are refused meanwhile.
   */
  async closeAll(timeoutMs = 5000): Promise<void> {
    this.#closing = true;
    try {
      const connections = [...this.#live];
      if (connections.length === 0) return;
      for (const connection of connections) {
        if (connection.state === "open") void connection.close(WS_1001_GOING_AWAY, "The server is shutting down");
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      const open = connections.filter((c) => c.state === "open").map((c) => c.closed);
      await Promise.race([Promise.all(open), timedOut]);
      clearTimeout(timer);
      for (const connection of connections) if (connection.state === "open") connection.terminate();
    } finally {
      this.#closing = false;
    }
  }
}
