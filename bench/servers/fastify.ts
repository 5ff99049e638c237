// Fastify 5 as its documentation recommends for speed: JSON Schema for the body (Ajv) and for the
// response (fast-json-stringify), logger off. Ajv's type coercion is turned off so that it
// rejects `"price": "9.99"` as zod and the node:http server do, and errors are 422 as in loopwise.
import Fastify, { type FastifyError } from "fastify";
import { announce, requestedPort } from "./announce.js";

const itemSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    price: { type: "number" },
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["name", "price", "tags"],
} as const;

const app = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: false } } });

const badBodyCodes = new Set(["FST_ERR_CTP_INVALID_JSON_BODY", "FST_ERR_CTP_EMPTY_JSON_BODY"]);

app.setErrorHandler((error: FastifyError, _request, reply) => {
  if (error.validation || badBodyCodes.has(error.code)) {
    return reply.code(422).send({ detail: error.validation ?? error.message });
  }
  return reply.send(error);
});

app.get(
  "/",
  { schema: { response: { 200: { type: "object", properties: { message: { type: "string" } } } } } },
  async () => ({ message: "Hello World" }),
);

app.post("/items", { schema: { body: itemSchema, response: { 200: itemSchema } } }, async (request) => request.body);

await app.listen({ port: requestedPort(), host: "127.0.0.1" });
announce(app.server);
