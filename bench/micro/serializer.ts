// Micro benchmark: loopwise's schema-compiled serializer (src/schema/serializer.ts) against
// JSON.stringify, on the response shapes the benchmark apps return. Run:
//   node_modules/.bin/node --conditions=loopwise-source --import tsx bench/micro/serializer.ts
// Bounded to ~10 s. Prints the median ns per call of three measures:
//   serialize   the call alone;
//   +byteLength the call, then Buffer.byteLength of the text (forces the string flat);
//   +Buffer     the call, then Buffer.from(text): the UTF-8 encoding a socket write does.
// The last is what a server pays. Concatenation builds rope (cons) strings that are cheap to make
// and costly to flatten; JSON.stringify writes one flat string. Only the encoded measures are fair.
import { z } from "zod";
import { compileSerializer, toJsonSchema, type Serializer } from "../../src/schema/index.js";

const ROUNDS = 5;
const CALLS_PER_ROUND = 100_000;
const MODES = ["serialize", "+byteLength", "+Buffer"] as const;
type Mode = (typeof MODES)[number];

interface Case {
  name: string;
  values: unknown[];
  compiled: Serializer;
}

function compiled(schema: z.ZodType): Serializer {
  const serializer = compileSerializer(toJsonSchema(schema, "output"));
  if (!serializer) throw new Error("schema did not compile");
  return serializer;
}

const Message = z.object({ message: z.string() });
const Item = z.object({ name: z.string(), price: z.number(), tags: z.array(z.string()).default([]) });
const item = (i: number) => ({ name: `Item number ${i}`, price: 10.5 + i, tags: ["red", "large", `t${i}`] });

// 64 distinct values, as a server sees them; one constant value would flatter any cache.
const cases: Case[] = [
  {
    name: "{message}",
    values: Array.from({ length: 64 }, (_, i) => Message.parse({ message: `Hello World ${i}` })),
    compiled: compiled(Message),
  },
  { name: "Item {name, price, tags[]}", values: Array.from({ length: 64 }, (_, i) => Item.parse(item(i))), compiled: compiled(Item) },
  {
    name: "Item[50]",
    values: Array.from({ length: 64 }, (_, i) => z.array(Item).parse(Array.from({ length: 50 }, (_, j) => item(i + j)))),
    compiled: compiled(z.array(Item)),
  },
];

function timeRound(serialize: Serializer, values: unknown[], mode: Mode, calls: number): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const text = serialize(values[i & 63]);
    sink += mode === "serialize" ? text.length : mode === "+byteLength" ? Buffer.byteLength(text) : Buffer.from(text).length;
  }
  const elapsed = Number(process.hrtime.bigint() - start);
  if (sink === 0) throw new Error("unreachable: keeps the results alive");
  return elapsed / calls;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const stringify: Serializer = (value) => JSON.stringify(value);

console.log(`node ${process.version}, ${ROUNDS} rounds, median ns/call (JSON.stringify / compiled / speed-up of compiled)`);
for (const { name, values, compiled: fast } of cases) {
  for (const value of values) {
    if (fast(value) !== JSON.stringify(value)) throw new Error(`${name}: compiled output differs from JSON.stringify`);
  }
  const calls = name === "Item[50]" ? CALLS_PER_ROUND / 50 : CALLS_PER_ROUND;
  const row: string[] = [];
  for (const mode of MODES) {
    const native: number[] = [];
    const generated: number[] = [];
    // Interleaved, so that drift in machine load hits both alike.
    for (let round = 0; round < ROUNDS; round++) {
      native.push(timeRound(stringify, values, mode, calls));
      generated.push(timeRound(fast, values, mode, calls));
    }
    const a = median(native);
    const b = median(generated);
    row.push(`${mode} ${a.toFixed(0)}/${b.toFixed(0)} x${(a / b).toFixed(2)}`);
  }
  console.log(`${name.padEnd(28)} ${row.join("   ")}`);
}
