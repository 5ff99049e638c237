// Development tool: the hello and post routes of loopwise (watchdog on and off), Fastify and raw
// node:http, all served by ONE process pinned to one CPU, loaded in interleaved batches by a
// pipelining client in the same process. On a shared VM, runs in separate processes minutes
// apart differ by ±30% from the neighbours alone; batches interleaved within one process see the
// same machine, so the per-request CPU figures compare. The client's cost is included for every
// server alike (it only counts responses). Not a substitute for `npm run bench` (real sockets
// between two processes on two CPUs), a way to see whether a change to the hot path helps.
//
//   npm run build && taskset -c 0 node_modules/.bin/node --import tsx bench/micro/same-process.ts [hello|post] [rounds]
//
// loopwise comes from dist/ (as in `npm run bench`). VARIANTS=default,nowatch,notiming,noengine
// picks the loopwise configurations; ONLY=<name> keeps one server, for a CPU profile of it alone.
import { createServer, type Server, type ServerResponse } from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { z } from "zod";
import { App } from "loopwise";

const scenario = process.argv[2] === "post" ? "post" : "hello";
const rounds = Number(process.argv[3] ?? 15);
const CONNECTIONS = 16;
const PIPELINED = 32;
const BATCHES_PER_ROUND = 20;

const BODY = JSON.stringify({ name: "Widget", price: 9.99, tags: ["tools", "garden"] });
const REQUEST =
  scenario === "hello"
    ? "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    : `POST /items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;

/** Configurations of loopwise to compare (VARIANTS=default,nowatch,notiming). */
const VARIANTS: Record<string, ConstructorParameters<typeof App>[0]> = {
  default: {},
  nowatch: { watchdog: false },
  notiming: { watchdog: { profile: { serverTiming: false } } },
  noengine: { watchdog: { enabled: false } },
};

function loopwiseApp(variant: string): App {
  if (!(variant in VARIANTS)) throw new Error(`unknown variant "${variant}"; known: ${Object.keys(VARIANTS).join(", ")}`);
  const app = new App({ logger: false, ...VARIANTS[variant] });
  // As bench/servers/loopwise.ts (a response model on hello measured no different here).
  app.get("/", async () => ({ message: "Hello World" }));
  const Item = z.object({ name: z.string(), price: z.number(), tags: z.array(z.string()) });
  app.post("/items", { body: Item, response: Item }, async ({ body }) => body);
  return app;
}

async function fastifyServer(): Promise<Server> {
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
function nodeServer(): Promise<Server> {
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
class Load {
  readonly #sockets: net.Socket[] = [];
  readonly #payload = Buffer.from(REQUEST.repeat(PIPELINED));
  #pending = 0;
  #done: (() => void) | undefined;

  static async open(port: number): Promise<Load> {
    const load = new Load();
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

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function main(): Promise<void> {
  const servers: { name: string; port: number; close: () => unknown }[] = [];
  for (const variant of (process.env.VARIANTS ?? "default,nowatch").split(",")) {
    let name = variant === "default" ? "loopwise" : `loopwise-${variant}`;
    while (servers.some((server) => server.name === name)) name += "'";
    const running = await loopwiseApp(variant).serve({ port: 0, host: "127.0.0.1", handleSignals: false });
    servers.push({ name, port: running.port, close: () => running.close() });
  }
  const fastify = await fastifyServer();
  servers.push({ name: "fastify", port: (fastify.address() as AddressInfo).port, close: () => fastify.close() });
  const node = await nodeServer();
  servers.push({ name: "node", port: (node.address() as AddressInfo).port, close: () => node.close() });

  // ONLY=loopwise keeps one server (for a CPU profile of it alone).
  if (process.env.ONLY) servers.splice(0, servers.length, ...servers.filter((server) => server.name === process.env.ONLY));
  const loads = await Promise.all(servers.map((server) => Load.open(server.port)));
  const perRequest = new Map<string, number[]>(servers.map((server) => [server.name, []]));
  for (let round = -2; round < rounds; round++) {
    // A new order each round: whoever runs after a heavy allocator pays for part of its GC.
    const order = servers.map((_, i) => i).sort(() => Math.random() - 0.5);
    for (const i of order) {
      const before = cpuMicros();
      for (let b = 0; b < BATCHES_PER_ROUND; b++) await loads[i]!.batch();
      const micros = (cpuMicros() - before) / (BATCHES_PER_ROUND * CONNECTIONS * PIPELINED);
      // The first two rounds warm the JIT up.
      if (round >= 0) perRequest.get(servers[i]!.name)!.push(micros);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const fastifyMedian = median(perRequest.get("fastify") ?? [NaN]);
  console.log(`${scenario}: CPU µs per request (server + client, same process), ${rounds} rounds`);
  for (const [name, values] of perRequest) {
    const m = median(values);
    console.log(`${name.padEnd(18)} median ${m.toFixed(2).padStart(6)}  min ${Math.min(...values).toFixed(2).padStart(6)}  vs fastify ${(fastifyMedian / m).toFixed(2)}`);
  }
  for (const load of loads) load.close();
  for (const server of servers) await server.close();
  process.exit(0);
}

await main();
