// post: parse, validate and serialize a small JSON body, i.e. the cost of the schema layer.
import { expectExchange } from "../lib/check.js";
import { COMPARISON_DEFAULTS, compareServers, comparisonSeconds } from "../lib/compare.js";
import type { Scenario } from "../lib/scenario.js";
import { FRAMEWORK_SERVERS, SAMPLE_ITEM } from "../servers/catalog.js";

const JSON_HEADERS = { "content-type": "application/json" } as const;

async function checkItems(origin: string): Promise<void> {
  const post = { method: "POST", path: "/items", headers: JSON_HEADERS };
  await expectExchange(origin, { ...post, body: JSON.stringify(SAMPLE_ITEM), status: 200, json: SAMPLE_ITEM });
  // The invalid bodies prove each server really validates, so none wins by skipping the work.
  await expectExchange(origin, { ...post, body: JSON.stringify({ ...SAMPLE_ITEM, price: "9.99" }), status: 422 });
  await expectExchange(origin, { ...post, body: JSON.stringify({ ...SAMPLE_ITEM, tags: ["ok", 7] }), status: 422 });
  await expectExchange(origin, { ...post, body: JSON.stringify({ name: "Widget" }), status: 422 });
  await expectExchange(origin, { ...post, body: '{"name": "Widget", ', status: 422 });
  // Unknown keys are dropped from the echo by every server's response handling.
  await expectExchange(origin, {
    ...post,
    body: JSON.stringify({ ...SAMPLE_ITEM, secret: "x" }),
    status: 200,
    json: SAMPLE_ITEM,
  });
}

const scenario: Scenario = {
  name: "post",
  description: "POST /items validating {name, price, tags} and echoing it: validation + serialization",
  defaults: COMPARISON_DEFAULTS,
  estimateSeconds: (options) => comparisonSeconds(FRAMEWORK_SERVERS.length, options),
  run: (context) =>
    compareServers(context, {
      scenario: "post",
      servers: FRAMEWORK_SERVERS,
      request: { method: "POST", path: "/items", headers: JSON_HEADERS, body: JSON.stringify(SAMPLE_ITEM) },
      check: checkItems,
    }),
};

export default scenario;
