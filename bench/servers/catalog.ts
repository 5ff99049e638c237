// The three servers the comparison scenarios start, each one entry module in this folder. They
// all serve the same routes: GET / (hello) and POST /items (post).
import { fileURLToPath } from "node:url";
import type { ServerSpec } from "../lib/spawn-server.js";

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** loopwise, Fastify 5, raw node:http: the order of the table and of the summary line. */
export const FRAMEWORK_SERVERS: readonly ServerSpec[] = [
  { name: "loopwise", entry: here("./loopwise.ts") },
  { name: "fastify", entry: here("./fastify.ts") },
  { name: "node", entry: here("./node-http.ts") },
];

/** The valid body the post scenario sends, and its expected echo. */
export const SAMPLE_ITEM = { name: "Widget", price: 9.99, tags: ["tools", "garden"] } as const;
