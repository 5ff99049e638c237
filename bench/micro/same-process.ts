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
import type { AddressInfo } from "node:net";
import { CONNECTIONS, Load, PIPELINED, fastifyServer, loopwiseApp, nodeServer, rawRequest } from "./peers.js";

const scenario = process.argv[2] === "post" ? "post" : "hello";
const rounds = Number(process.argv[3] ?? 15);
const BATCHES_PER_ROUND = 20;

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
  const loads = await Promise.all(servers.map((server) => Load.open(server.port, rawRequest(scenario))));
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
