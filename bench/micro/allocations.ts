// Development tool: bytes of JavaScript heap allocated per request, for loopwise in the
// configurations of bench/micro/peers.ts, Fastify and raw node:http. The server and its client
// share one process (the client's own allocations are in every figure alike); the young
// generation is made larger than a measured stretch and emptied before it, so the heap's growth
// over the stretch is what was allocated. Allocation is what the instruction counts of
// instructions.ts under-weight: it decides how often the collector runs.
//
//   node_modules/.bin/node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 \
//     --conditions=loopwise-source --import tsx bench/micro/allocations.ts [hello|post] [kinds]
//
// kinds: default,nowatch,fastify,node unless given; BENCH_PIPELINED as in peers.ts (1 = as wrk).
import v8 from "node:v8";
import type { AddressInfo } from "node:net";
import { CONNECTIONS, Load, PIPELINED, VARIANTS, fastifyServer, loopwiseApp, nodeServer, rawRequest } from "./peers.js";
import { median } from "../lib/stats.js";

const REQUESTS_PER_STRETCH = 20 * 32 * CONNECTIONS;
const STRETCHES = 5;

async function measure(kind: string, scenario: "hello" | "post"): Promise<number[]> {
  let port: number;
  let close: () => Promise<unknown>;
  if (kind === "fastify" || kind === "node") {
    const server = kind === "fastify" ? await fastifyServer() : await nodeServer();
    port = (server.address() as AddressInfo).port;
    close = () => new Promise((resolve) => server.close(resolve));
  } else {
    const running = await loopwiseApp(kind).serve({ port: 0, host: "127.0.0.1", handleSignals: false });
    port = running.port;
    close = () => running.close();
  }
  const load = await Load.open(port, rawRequest(scenario));
  const batches = Math.ceil(REQUESTS_PER_STRETCH / (CONNECTIONS * PIPELINED));
  for (let b = 0; b < batches * 5; b++) await load.batch();
  const perRequest: number[] = [];
  for (let stretch = 0; stretch < STRETCHES; stretch++) {
    gc();
    const before = v8.getHeapStatistics().used_heap_size;
    for (let b = 0; b < batches; b++) await load.batch();
    const after = v8.getHeapStatistics().used_heap_size;
    perRequest.push((after - before) / (batches * CONNECTIONS * PIPELINED));
  }
  load.close();
  await close();
  return perRequest;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {
  throw new Error("run with --expose-gc (see the command at the top of this file)");
});
const scenario = process.argv[2] === "post" ? "post" : "hello";
const kinds = (process.argv[3] ?? "default,nowatch,fastify,node").split(",");
for (const kind of kinds) {
  if (kind !== "fastify" && kind !== "node" && !(kind in VARIANTS)) throw new Error(`unknown kind "${kind}"`);
}
console.log(`${scenario}: bytes allocated per request (server and client, ${PIPELINED} pipelined), median of ${STRETCHES} stretches of ${REQUESTS_PER_STRETCH} requests`);
for (const kind of kinds) {
  const figures = await measure(kind, scenario);
  console.log(`${kind.padEnd(10)} ${median(figures).toFixed(0).padStart(6)}  stretches ${figures.map((f) => f.toFixed(0)).join(" ")}`);
}
process.exit(0);
