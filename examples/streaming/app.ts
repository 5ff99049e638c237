/**
 * Streaming guide example: a live page fed by Server-Sent Events and a WebSocket, a JSON Lines
 * export, a CSV download, and static files — with compression and CORS.
 *
 * - `GET /`               the page (static files, `public/`)
 * - `GET /ticks`          Server-Sent Events: a tick per `TICK_MS` (default 1000), resumable with Last-Event-ID
 * - `GET /readings`       JSON Lines: one validated reading per line
 * - `GET /report.csv`     a CSV built row by row while it downloads
 * - `WEBSOCKET /chat`     every message is sent back to everyone in the room
 *
 * Run: `npx loopwise serve examples/streaming/app.ts`, then open http://127.0.0.1:8000/.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { App, ServerSentEvent, StreamingResponse, compression, cors, staticFiles, type WebSocketConnection } from "loopwise";

const tickMs = Number(process.env["TICK_MS"] ?? "1000");

export const app = new App({ title: "Streaming example", logger: { level: process.env["LOG_LEVEL"] ?? "info" } });
app.use(compression());
app.use(cors({ allowOrigins: ["http://localhost:5173"] }));

const Tick = z.object({ n: z.number().int(), at: z.string() });

// SSE: each item is validated against `response`; `id` lets a reconnecting browser resume.
app.get(
  "/ticks",
  { sse: true, response: Tick, headers: { last_event_id: z.number().int().min(0).optional() }, query: { limit: z.number().int().min(1).optional() } },
  async function* ({ headers, query, signal }) {
    const first = (headers.last_event_id ?? 0) + 1;
    for (let n = first; !signal.aborted && (query.limit === undefined || n < first + query.limit); n++) {
      yield new ServerSentEvent({ id: String(n), event: "tick", data: { n, at: new Date().toISOString() } });
      await sleep(tickMs, undefined, { signal }).catch(() => undefined);
    }
  },
);

const Reading = z.object({ sensor: z.string(), celsius: z.number() });

// JSON Lines (the default for an async iterable): one reading per line, each validated.
app.get("/readings", { response: Reading, query: { count: z.number().int().min(1).max(10_000).default(5) } }, async function* ({ query }) {
  for (let i = 0; i < query.count; i++) yield { sensor: `s${i % 3}`, celsius: 20 + (i % 7) / 2 };
});

// A download built while it is sent: memory stays flat however many rows.
app.get("/report.csv", { query: { rows: z.number().int().min(0).max(1_000_000).default(1000) } }, ({ query }) =>
  new StreamingResponse(
    (function* () {
      yield "id,square\n";
      for (let i = 0; i < query.rows; i++) yield `${i},${i * i}\n`;
    })(),
    { mediaType: "text/csv; charset=utf-8", headers: { "content-disposition": 'attachment; filename="report.csv"' } },
  ),
);

// A chat room: everyone connected to a room gets every message.
const rooms = new Map<string, Set<WebSocketConnection>>();
app.websocket("/chat/{room}", { query: { name: z.string().min(1).max(30) }, maxPayload: 4096 }, async ({ path, query, ws }) => {
  await ws.accept();
  const members = rooms.get(path.room) ?? new Set();
  rooms.set(path.room, members);
  members.add(ws);
  try {
    for await (const message of ws) {
      const text = `${query.name}: ${String(message)}`;
      await Promise.all([...members].map((member) => member.send(text).catch(() => undefined)));
    }
  } finally {
    members.delete(ws);
    if (members.size === 0) rooms.delete(path.room);
  }
});

app.mount("/", staticFiles({ directory: fileURLToPath(new URL("./public", import.meta.url)), html: true }));

if (import.meta.main) {
  await app.listen({ port: Number(process.env["PORT"] ?? 8000), host: process.env["HOST"] ?? "127.0.0.1" });
}
