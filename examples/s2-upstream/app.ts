/**
 * SCENARIOS S2: a slow upstream called with a blocking client. `GET /...` calls the upstream
 * twice in a row (each call takes UPSTREAM_DELAY_MS, 1 s by default):
 *
 * - `GET /blocking`        a blocking client inside an async handler: the event loop waits for
 *                          each call, so a second request does not even start until the first is
 *                          done, and `/healthcheck` hangs meanwhile.
 * - `GET /blocking-thread` the same blocking client on the thread lane: each request blocks a
 *                          pool thread, the event loop keeps serving.
 * - `GET /fetch`           the non-blocking client (`fetch`) on the loop lane: the calls overlap.
 * - `GET /healthcheck`     does nothing.
 *
 * Run: `node --import tsx examples/s2-upstream/demo.ts` (starts a fake upstream and this app).
 */
import { App, accessLog, processTime } from "loopwise";
import { blockingGetJson } from "./blocking-client.js";

const upstream = process.env["UPSTREAM_URL"] ?? "http://127.0.0.1:8001";

export const app = new App({ title: "S2: a slow upstream and a blocking client", logger: { level: process.env["LOG_LEVEL"] ?? "info" } });
app.use(processTime());
app.use(accessLog(app.logger));

app.get("/blocking", async ({ req }) => {
  const first = blockingGetJson(`${upstream}/data?from=${req.context.id}&call=1`);
  const second = blockingGetJson(`${upstream}/data?from=${req.context.id}&call=2`);
  return { calls: [first, second] };
});

app.get("/blocking-thread", { lane: "thread" }, ({ req }) => {
  const first = blockingGetJson(`${upstream}/data?from=${req.context.id}&call=1`);
  const second = blockingGetJson(`${upstream}/data?from=${req.context.id}&call=2`);
  return { calls: [first, second] };
});

app.get("/fetch", async ({ req }) => {
  const get = async (call: number) => (await fetch(`${upstream}/data?from=${req.context.id}&call=${call}`)).json();
  const first = await get(1);
  const second = await get(2);
  return { calls: [first, second] };
});

app.get("/healthcheck", () => ({ status: "ok" }));

if (import.meta.main) {
  await app.listen({ port: Number(process.env["PORT"] ?? 8000), host: process.env["HOST"] ?? "127.0.0.1" });
}
