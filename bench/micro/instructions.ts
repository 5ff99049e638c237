// Development tool: machine instructions per request, counted by valgrind's callgrind, for
// loopwise in the configurations of bench/micro/peers.ts, Fastify and raw node:http. Each server
// runs alone in a process that also drives it with pipelined requests; the process warms up
// uninstrumented, and only then is counting switched on (`callgrind_control -i on`) for a fixed
// number of requests. Unlike time on this shared VM, the counts repeat from one process to the
// next within about 1%, so they compare builds and configurations that differ by 1-2%.
// Instructions are not time (cache misses, allocation and GC are under-weighted: the young
// generation is made large enough that no collection falls in the window), so a change found here
// is then confirmed with `npm run bench`. Where the counts go by function: --functions N.
//
//   npm run build && node_modules/.bin/node --import tsx bench/micro/instructions.ts [hello|post] [kinds] [--functions N]
//
// BENCH_PIPELINED=1 sends one request at a time per connection (as wrk does) instead of 32.
// INSTR_REPEATS=N (1-20) counts N processes per kind instead of 2 (the median is printed; processes of
// one build differ by up to ~1.5k instructions a request, so 4 is worth it for a small change).
// INSTRUCTIONS_WITH_GC=1 keeps V8's default young generation, so scavenges fall in the window too
// (hello: +400 instructions per request for loopwise, none for Fastify, on 2026-11-23).
// kinds: a comma list of loopwise variants (default, nowatch, noengine, notiming), fastify, node;
// default: default,nowatch,fastify. Needs valgrind (Debian's package; `apt-get install valgrind`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CONNECTIONS, Load, PIPELINED, VARIANTS, fastifyServer, loopwiseApp, nodeServer, rawRequest } from "./peers.js";
import { envInteger } from "../lib/env.js";
import { median } from "../lib/stats.js";
import { selfCostByFunction } from "./callgrind-functions.js";

// The same number of requests whatever BENCH_PIPELINED is (peers.ts): 51 200 to warm up, 5120 counted.
const WARM_BATCHES = Math.ceil((100 * 32) / PIPELINED);
const MEASURED_BATCHES = Math.ceil((10 * 32) / PIPELINED);
const REQUESTS = MEASURED_BATCHES * CONNECTIONS * PIPELINED;
const REPEATS = envInteger("INSTR_REPEATS", 2, 1, 20);
const SERVE_ENV = "LOOPWISE_INSTRUCTIONS_SERVE";
const GO_ENV = "LOOPWISE_INSTRUCTIONS_GO";
// No scavenge or major GC inside the window: where one falls would outweigh what is compared.
// The window starts on an empty young generation (a scavenge just before it), so whether another
// falls inside it no longer depends on how full the warm-up left it: a scavenge also frees the
// client's read buffers, ~1800 instructions per request of free() for the build it hits. (A full
// collection there doubled the count: its concurrent sweeping ran inside the window.)
const HEAP_FLAGS = process.env.INSTRUCTIONS_WITH_GC ? [] : ["--min-semi-space-size=128", "--max-semi-space-size=128", "--expose-gc"];

type Scenario = "hello" | "post";

/** In the valgrind'd child: start one server, warm it, wait for counting to start, run the window. */
async function serve(kind: string, scenario: Scenario, goFile: string): Promise<void> {
  let port: number;
  if (kind === "fastify") port = ((await fastifyServer()).address() as AddressInfo).port;
  else if (kind === "node") port = ((await nodeServer()).address() as AddressInfo).port;
  else port = (await loopwiseApp(kind).serve({ port: 0, host: "127.0.0.1", handleSignals: false })).port;
  const load = await Load.open(port, rawRequest(scenario));
  for (let b = 0; b < WARM_BATCHES; b++) await load.batch();
  (globalThis as { gc?: (options: { type: "minor" }) => void }).gc?.({ type: "minor" });
  process.stdout.write("READY\n");
  while (!existsSync(goFile)) await new Promise((resolve) => setTimeout(resolve, 50));
  for (let b = 0; b < MEASURED_BATCHES; b++) await load.batch();
  process.exit(0);
}

interface Counted {
  perRequest: number;
  functions?: Map<string, number>;
}

/** One valgrind'd process of `kind`: instructions per request over the window. */
async function count(kind: string, scenario: Scenario, functions: boolean, dir: string, tag: string): Promise<Counted> {
  const out = join(dir, `${tag}.callgrind`);
  const goFile = join(dir, `${tag}.go`);
  const node = process.execPath;
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      "--instr-atstart=no",
      ...(functions ? ["--dump-instr=yes"] : []),
      "--smc-check=all-non-file",
      `--callgrind-out-file=${out}`,
      node,
      ...HEAP_FLAGS,
      ...(functions ? ["--perf-basic-prof"] : []),
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
    ],
    { env: { ...process.env, [SERVE_ENV]: `${kind}:${scenario}`, [GO_ENV]: goFile }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("READY")) resolve();
    });
    void exited.then((code) => reject(new Error(`${kind} exited (${code}) before it was ready:\n${stderr}`)));
  });
  const on = spawnSync("callgrind_control", ["-i", "on", String(child.pid)], { encoding: "utf8" });
  if (on.status !== 0) throw new Error(`callgrind_control failed: ${on.stderr}`);
  writeFileSync(goFile, "");
  const code = await exited;
  if (code !== 0) throw new Error(`${kind} exited with ${code}:\n${stderr}`);
  const text = readFileSync(out, "utf8");
  const total = Number(/^(?:totals|summary): (\d+)/m.exec(text)?.[1]);
  if (!Number.isFinite(total) || total === 0) throw new Error(`no instruction total in ${out}`);
  const counted: Counted = { perRequest: total / REQUESTS };
  if (functions) {
    const map = readFileSync(join("/tmp", `perf-${child.pid}.map`), "utf8");
    counted.functions = selfCostByFunction(text, map, REQUESTS);
    rmSync(join("/tmp", `perf-${child.pid}.map`), { force: true });
  }
  return counted;
}

function printFunctions(kind: string, functions: Map<string, number>, top: number, versus?: Map<string, number>): void {
  const names = new Set([...functions.keys(), ...(versus?.keys() ?? [])]);
  const rows = [...names].map((name) => ({ name, self: functions.get(name) ?? 0, other: versus?.get(name) ?? 0 }));
  rows.sort((a, b) => Math.abs(b.self - b.other) - Math.abs(a.self - a.other));
  console.log(versus ? `\n${kind}: instructions per request by function, largest differences first (self, other, difference)` : `\n${kind}: by function`);
  for (const row of rows.slice(0, top)) {
    const difference = row.self - row.other;
    console.log(`${row.self.toFixed(0).padStart(8)} ${row.other.toFixed(0).padStart(8)} ${(difference >= 0 ? "+" : "") + difference.toFixed(0).padStart(6)}  ${row.name.slice(0, 140)}`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const functionsAt = args.indexOf("--functions");
  const top = functionsAt === -1 ? 0 : Number(args.splice(functionsAt, 2)[1] ?? 40);
  const scenario: Scenario = args[0] === "post" ? "post" : "hello";
  const kinds = (args[1] ?? "default,nowatch,fastify").split(",");
  for (const kind of kinds) {
    if (kind !== "fastify" && kind !== "node" && !(kind in VARIANTS)) throw new Error(`unknown kind "${kind}"`);
  }
  if (spawnSync("valgrind", ["--version"]).status !== 0) {
    console.error("valgrind is not installed: apt-get install -y valgrind");
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), "loopwise-instructions-"));
  const results = new Map<string, Counted[]>(kinds.map((kind) => [kind, []]));
  try {
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const kind of kinds) {
        const counted = await count(kind, scenario, top > 0 && repeat === 0, dir, `${kind}-${repeat}`);
        results.get(kind)!.push(counted);
        console.log(`${scenario}: ${kind} run ${repeat + 1}/${REPEATS}: ${counted.perRequest.toFixed(0)} instructions per request`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const medians = new Map([...results].map(([kind, runs]) => [kind, median(runs.map((run) => run.perRequest))]));
  const fastify = medians.get("fastify");
  console.log(`\n${scenario}: instructions per request (valgrind callgrind, ${REQUESTS} requests after ${WARM_BATCHES * CONNECTIONS * PIPELINED} warm-up, median of ${REPEATS} processes)`);
  for (const [kind, value] of medians) {
    const spread = results.get(kind)!.map((run) => run.perRequest.toFixed(0)).join(" / ");
    console.log(`${kind.padEnd(10)} ${value.toFixed(0).padStart(7)}  runs ${spread}${fastify === undefined ? "" : `  fastify/this ${(fastify / value).toFixed(3)}`}`);
  }
  if (top > 0) {
    const [first, second] = kinds;
    const base = results.get(second ?? "")?.[0]?.functions;
    printFunctions(first!, results.get(first!)![0]!.functions!, top, base);
  }
}

const serving = process.env[SERVE_ENV];
if (serving !== undefined) {
  const [kind, scenario] = serving.split(":") as [string, Scenario];
  await serve(kind, scenario, process.env[GO_ENV]!);
} else {
  await main();
}
