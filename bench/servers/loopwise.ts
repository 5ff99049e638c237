// loopwise serving the same two routes as the other benchmark servers.
import { App } from "loopwise";
import { z } from "zod";
import { announce, requestedPort } from "./announce.js";

const app = new App({ logger: false });

app.get("/", async () => ({ message: "Hello World" }));

const Item = z.object({ name: z.string(), price: z.number(), tags: z.array(z.string()) });
app.post("/items", { body: Item, response: Item }, async ({ body }) => body);

const server = await app.listen({ port: requestedPort(), host: "127.0.0.1" });
announce(server);
