// loopwise serving the same two routes as the other benchmark servers, with the defaults (the
// watchdog and the always-on profile included). BENCH_LOOPWISE_WATCHDOG=off serves it with
// `watchdog: false` instead: a diagnostic that shows what the watch costs against Fastify; the
// comparison then says so in its report, and its figures are not loopwise's.
import { App } from "loopwise";
import { z } from "zod";
import { announce, requestedPort } from "./announce.js";
import { loopwiseWatchdogOff } from "./loopwise-variant.js";

const app = new App({ logger: false, ...(loopwiseWatchdogOff() ? { watchdog: false } : {}) });

app.get("/", async () => ({ message: "Hello World" }));

const Item = z.object({ name: z.string(), price: z.number(), tags: z.array(z.string()) });
app.post("/items", { body: Item, response: Item }, async ({ body }) => body);

const server = await app.listen({ port: requestedPort(), host: "127.0.0.1" });
announce(server);
