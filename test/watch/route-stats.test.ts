import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RouteStatsTable } from "../../src/watch/route-stats.js";

describe("per-route stats table", () => {
  it("gives each method and route its own stats, the same object on every lookup, in any order", () => {
    const table = new RouteStatsTable();
    const getA = table.of("GET", "/a");
    assert.equal(table.of("GET", "/a"), getA);
    const getB = table.of("GET", "/b");
    const postA = table.of("POST", "/a");
    assert.notEqual(getB, getA);
    assert.notEqual(postA, getA);
    assert.equal(table.of("GET", "/a"), getA);
    assert.equal(table.of("POST", "/a"), postA);
    assert.equal(table.of("GET", "/b"), getB);
    getA.record(3, 200);
    table.of("GET", "/a").record(7, 500);
    table.of("POST", "/a").record(1, 201);
    assert.equal(getA.count, 2);
    assert.deepEqual([...getA.byStatus], [[200, 1], [500, 1]]);
    assert.equal(postA.count, 1);
    assert.equal(table.of("GET", "").route, "(no route)");
    assert.deepEqual([...table.all()].map((stats) => `${stats.method} ${stats.route}`).sort(), ["GET (no route)", "GET /a", "GET /b", "POST /a"]);
  });

  it("counts routes past its bound under (other), and keeps doing so after a known route was looked up", () => {
    const table = new RouteStatsTable();
    for (let i = 0; i < 1000; i++) table.of("GET", `/r${i}`);
    const other = table.of("GET", "/one-too-many");
    assert.equal(other.route, "(other)");
    assert.equal(table.of("GET", "/r0").route, "/r0");
    assert.equal(table.of("GET", "/another-one"), other);
    assert.equal(table.of("GET", "/another-one"), other);
  });

  it("counts statuses in ascending order, and a status Node would not send under 0", () => {
    const stats = new RouteStatsTable().of("GET", "/a");
    for (const status of [500, 200, 200, 404, 200, 500, 200]) stats.record(1, status);
    for (const status of [Number.NaN, 42, 1000, 200.5, -1, Number.POSITIVE_INFINITY]) stats.record(1, status);
    assert.deepEqual([...stats.byStatus], [[0, 6], [200, 4], [404, 1], [500, 2]]);
    assert.equal(stats.count, 13);
  });
});
