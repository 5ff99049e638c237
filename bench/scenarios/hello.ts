// hello: the smallest JSON response, i.e. the fixed cost of each framework per request.
import { expectExchange } from "../lib/check.js";
import { COMPARISON_DEFAULTS, compareServers, comparisonSeconds } from "../lib/compare.js";
import type { Scenario } from "../lib/scenario.js";
import { FRAMEWORK_SERVERS } from "../servers/catalog.js";

const scenario: Scenario = {
  name: "hello",
  description: 'GET / answering {"message":"Hello World"}: per-request framework overhead',
  defaults: COMPARISON_DEFAULTS,
  estimateSeconds: (options) => comparisonSeconds(FRAMEWORK_SERVERS.length, options),
  run: (context) =>
    compareServers(context, {
      scenario: "hello",
      servers: FRAMEWORK_SERVERS,
      request: { method: "GET", path: "/" },
      check: (origin) =>
        expectExchange(origin, { method: "GET", path: "/", status: 200, json: { message: "Hello World" } }),
    }),
};

export default scenario;
