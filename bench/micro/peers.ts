// The servers and the client shared by the development tools of bench/micro/: loopwise in the
// configurations compared, Fastify and raw node:http on the hello and post routes of
// bench/servers/, and a pipelining keep-alive client.
import { createServer, type Server, type ServerResponse } from "node:http";
import net from "node:net";
import Fastify from "fastify";
import { z } from "zod";
import { App } from "loopwise";
import { envInteger } from "../lib/env.js";

export const CONNECTIONS = 16;
/**
 * Requests sent at once on each connection (BENCH_PIPELINED, default 32). With 1 every request
 * arrives in its own read of the socket, as under wrk, and pays the per-read costs pipelining shares.
 */
export const PIPELINED = envInteger("BENCH_PIPELINED", 32, 1, 256);

const BODY = JSON.stringify({ name: "Widget", price: 9.99, tags: ["tools", "garden"] });
/** One request of the scenario, as bytes on the wire. */
export function rawRequest(scenario: "hello" | "post"): string {
  return scenario === "hello"
    ? "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    : `POST /items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;
}

/** Configurations of loopwise to compare (VARIANTS=default,nowatch,notiming). */
export const VARIANTS: Record<string, ConstructorParameters<typeof App>[0]> = {
  default: {},
  nowatch: { watchdog: false },
  notiming: { watchdog: { profile: { serverTiming: false } } },
  noengine: { watchdog: { enabled: false } },
};

export function loopwiseApp(variant: string): App {
  if (!(variant in VARIANTS)) throw new Error(`unknown variant "${variant}"; known: ${Object.keys(VARIANTS).join(", ")}`);
  const app = new App({ logger: false, ...VARIANTS[variant] });
  // As bench/servers/loopwise.ts (a response model on hello measured no different here).
  app.get("/", async () => ({ message: "Hello World" }));
  const Item = z.object({ name: z.string(), price: z.number(), tags: z.array(z.string()) });
  app.post("/items", { body: Item, response: Item }, async ({ body }) => body);
  return app;
}

export async function fastifyServer(): Promise<Server> {
  const itemSchema = {
    type: "object",
    properties: { name: { type: "string" }, price: { type: "number" }, tags: { type: "array", items: { type: "string" } } },
    required: ["name", "price", "tags"],
  } as const;
  const app = Fastify({ logger: false });
  app.get("/", { schema: { response: { 200: { type: "object", properties: { message: { type: "string" } } } } } }, async () => ({ message: "Hello World" }));
  app.post("/items", { schema: { body: itemSchema, response: { 200: itemSchema } } }, async (request) => request.body);
  await app.listen({ port: 0, host: "127.0.0.1" });
  return app.server;
}

function sendJson(response: ServerResponse, value: unknown): void {
  const payload = JSON.stringify(value);
  response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload) });
  response.end(payload);
}

// No named closure per request: tsx compiles this file with esbuild's keepNames, whose helper
// would then run on every request of this server only.
export function nodeServer(): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method === "GET") return sendJson(response, { message: "Hello World" });
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const item = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { name: string; price: number; tags: string[] };
      sendJson(response, { name: item.name, price: item.price, tags: item.tags });
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Keep-alive connections that send PIPELINED requests at once and count the responses. */
export class Load {
  readonly #sockets: net.Socket[] = [];
  readonly #payload: Buffer;
  #pending = 0;
  #done: (() => void) | undefined;

  private constructor(request: string) {
    this.#payload = Buffer.from(request.repeat(PIPELINED));
  }

  static async open(port: number, request: string): Promise<Load> {
    const load = new Load(request);
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = net.connect(port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.setNoDelay(true);
      let carry = "";
      socket.on("data", (chunk: Buffer) => {
        const text = carry + chunk.toString("latin1");
        let at = 0;
        let found = 0;
        while ((at = text.indexOf("HTTP/1.1 200", at)) !== -1) {
          found++;
          at += 12;
        }
        if (text.includes("HTTP/1.1 4") || text.includes("HTTP/1.1 5")) throw new Error(`error response: ${text.slice(0, 200)}`);
        carry = text.slice(-11);
        load.#pending -= found;
        if (load.#pending === 0) load.#done?.();
      });
      load.#sockets.push(socket);
    }
    return load;
  }

  batch(): Promise<void> {
    this.#pending = CONNECTIONS * PIPELINED;
    const done = new Promise<void>((resolve) => (this.#done = resolve));
    for (const socket of this.#sockets) socket.write(this.#payload);
    return done;
  }

  close(): void {
    for (const socket of this.#sockets) socket.destroy();
  }
}

