// The pure parts of the benchmark harness: parsing load-generator output, order statistics, the
// summary line, the wrk Lua script and the command line. No load is generated here.
import assert from "node:assert/strict";
import { LOOPWISE_WATCHDOG_ENV, loopwiseWatchdogOff } from "../../bench/servers/loopwise-variant.js";
import { envChoice, envInteger } from "../../bench/lib/env.js";
import { describe, it } from "node:test";
import { DEFAULT_OPTIONS, parseBenchArgs, scenarioOptions } from "../../bench/lib/args.js";
import { parseAutocannonJson } from "../../bench/lib/autocannon-output.js";
import { burstOrder, formatRoundRatios, mergeBursts, pairedRatio } from "../../bench/lib/bursts.js";
import { rotate } from "../../bench/lib/compare.js";
import { COMPARISON_HEADERS, summarizeServer, type MeasuredRun } from "../../bench/lib/comparison-summary.js";
import {
  clockTicksPerSecond,
  cpuMicrosPerRequest,
  otherProcessesShare,
  parsePidStatTicks,
  parseProcStatCpu,
} from "../../bench/lib/cpu-share.js";
import { wrkLuaScript } from "../../bench/lib/load.js";
import { formatComparisonLine, formatTable } from "../../bench/lib/report.js";
import { median, percentile } from "../../bench/lib/stats.js";
import { parseWrkDuration, parseWrkMetric, parseWrkOutput } from "../../bench/lib/wrk-output.js";

const WRK_LATENCY_OUTPUT = `Running 5s test @ http://127.0.0.1:41849/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   825.59us    2.38ms  33.72ms   96.38%
    Req/Sec    25.03k    11.95k   42.05k    70.00%
  Latency Distribution
     50%  315.00us
     75%  552.00us
     90%    1.27ms
     99%   14.04ms
  124916 requests in 5.00s, 15.07MB read
Requests/sec:  24793.57
Transfer/sec:      3.05MB
`;

describe("parseWrkOutput", () => {
  it("reads req/s, total and every latency percentile in milliseconds", () => {
    const result = parseWrkOutput(WRK_LATENCY_OUTPUT);
    assert.equal(result.requestsPerSec, 24793.57);
    assert.equal(result.totalRequests, 124916);
    assert.deepEqual(result.latencyMs, { p50: 0.315, p75: 0.552, p90: 1.27, p99: 14.04 });
    assert.equal(result.socketErrors, 0);
    assert.equal(result.non2xx, 0);
  });

  it("scales k and M suffixes on Requests/sec", () => {
    const withK = WRK_LATENCY_OUTPUT.replace("Requests/sec:  24793.57", "Requests/sec:    41.50k");
    assert.equal(parseWrkOutput(withK).requestsPerSec, 41500);
    const withM = WRK_LATENCY_OUTPUT.replace("Requests/sec:  24793.57", "Requests/sec:  1.25M");
    assert.equal(parseWrkOutput(withM).requestsPerSec, 1_250_000);
  });

  it("adds up socket errors and counts non-2xx responses", () => {
    const output = WRK_LATENCY_OUTPUT.replace(
      "Requests/sec:",
      "  Socket errors: connect 2, read 12, write 0, timeout 31\n  Non-2xx or 3xx responses: 18167\nRequests/sec:",
    );
    const result = parseWrkOutput(output);
    assert.equal(result.socketErrors, 45);
    assert.equal(result.non2xx, 18167);
  });

  it("reads latencies in seconds and minutes from a badly overloaded run", () => {
    const output = WRK_LATENCY_OUTPUT.replace("     99%   14.04ms", "     99%    1.50s").replace(
      "     90%    1.27ms",
      "     90%    2.00m",
    );
    const result = parseWrkOutput(output);
    assert.equal(result.latencyMs.p99, 1500);
    assert.equal(result.latencyMs.p90, 120_000);
  });

  it("leaves percentiles absent when run without --latency, and ignores the thread-stats table", () => {
    const withoutDistribution = WRK_LATENCY_OUTPUT.replace(/  Latency Distribution\n(.*%.*\n){4}/, "");
    const result = parseWrkOutput(withoutDistribution);
    assert.deepEqual(result.latencyMs, {});
    assert.equal(result.requestsPerSec, 24793.57);
  });

  it("keeps totalRequests undefined when the summary line is missing", () => {
    const output = WRK_LATENCY_OUTPUT.replace(/.*requests in.*\n/, "");
    assert.equal(parseWrkOutput(output).totalRequests, undefined);
  });

  it("throws on output with no Requests/sec line: connection refused, empty, killed", () => {
    assert.throws(() => parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused\n"), SyntaxError);
    assert.throws(() => parseWrkOutput(""), /found 0/);
    const truncated = WRK_LATENCY_OUTPUT.slice(0, WRK_LATENCY_OUTPUT.indexOf("Requests/sec"));
    assert.throws(() => parseWrkOutput(truncated), SyntaxError);
  });

  it("throws rather than guess when two outputs are concatenated", () => {
    assert.throws(() => parseWrkOutput(WRK_LATENCY_OUTPUT + WRK_LATENCY_OUTPUT), /found 2/);
  });

  it("throws on values it cannot read instead of returning NaN", () => {
    assert.throws(() => parseWrkOutput(WRK_LATENCY_OUTPUT.replace("24793.57", "-nan")), SyntaxError);
    assert.throws(() => parseWrkOutput(WRK_LATENCY_OUTPUT.replace("24793.57", "12x")), SyntaxError);
    assert.throws(() => parseWrkOutput(WRK_LATENCY_OUTPUT.replace("315.00us", "315.00ns")), SyntaxError);
    const badSocketLine = WRK_LATENCY_OUTPUT.replace(
      "Requests/sec:",
      "  Socket errors: connect many, read 0\nRequests/sec:",
    );
    assert.throws(() => parseWrkOutput(badSocketLine), /socket error count/);
  });

  it("handles Windows line endings", () => {
    assert.equal(parseWrkOutput(WRK_LATENCY_OUTPUT.replaceAll("\n", "\r\n")).latencyMs.p99, 14.04);
  });
});

describe("wrk units", () => {
  it("converts durations and metric numbers", () => {
    assert.equal(parseWrkDuration("850.00us"), 0.85);
    assert.equal(parseWrkDuration("2.00s"), 2000);
    assert.equal(parseWrkDuration("1.00h"), 3_600_000);
    assert.equal(parseWrkMetric("40.12k"), 40120);
    assert.equal(parseWrkMetric("7"), 7);
  });

  it("rejects empty, negative, unitless durations and unknown suffixes", () => {
    for (const text of ["", "ms", "-1ms", "12", "1.2.3ms", "1e3us"]) {
      assert.throws(() => parseWrkDuration(text), SyntaxError, text);
    }
    for (const text of ["", "k", "-5", "1.5K", "3x", "NaN", "Infinity"]) {
      assert.throws(() => parseWrkMetric(text), SyntaxError, text);
    }
  });
});

describe("parseAutocannonJson", () => {
  it("computes req/s from total and duration and keeps percentiles", () => {
    const result = parseAutocannonJson(
      JSON.stringify({
        duration: 2,
        errors: 3,
        timeouts: 1,
        non2xx: 5,
        requests: { total: 1000, average: 480 },
        latency: { p50: 1, p75: 2, p90: 3, p99: 9 },
      }),
    );
    assert.equal(result.requestsPerSec, 500);
    assert.equal(result.socketErrors, 3);
    assert.equal(result.non2xx, 5);
    assert.deepEqual(result.latencyMs, { p50: 1, p75: 2, p90: 3, p99: 9 });
  });

  it("rejects non-JSON, a zero duration and missing totals", () => {
    assert.throws(() => parseAutocannonJson("Running 10s test @ http://127.0.0.1"), SyntaxError);
    assert.throws(() => parseAutocannonJson('{"duration":0,"requests":{"total":5}}'), SyntaxError);
    assert.throws(() => parseAutocannonJson('{"duration":1,"requests":{"total":"5"}}'), SyntaxError);
    assert.throws(() => parseAutocannonJson("null"), SyntaxError);
  });
});

describe("median and percentile", () => {
  it("takes the middle of odd and even, unsorted lists", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([40, 10, 30, 20]), 25);
    assert.equal(median([7]), 7);
    assert.equal(median([5, 5, 1, 1000000]), 5);
  });

  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });

  it("interpolates percentiles and agrees with median at 50", () => {
    assert.equal(percentile([10, 20, 30, 40], 90), 37);
    assert.equal(percentile([10, 20, 30, 40], 0), 10);
    assert.equal(percentile([10, 20, 30, 40], 100), 40);
    assert.equal(percentile([9, 1, 5], 50), median([9, 1, 5]));
  });

  it("refuses empty lists, NaN, Infinity and percentiles out of range", () => {
    assert.throws(() => median([]), RangeError);
    assert.throws(() => median([1, Number.NaN, 3]), RangeError);
    assert.throws(() => median([1, Number.POSITIVE_INFINITY]), RangeError);
    assert.throws(() => percentile([1, 2], 101), RangeError);
    assert.throws(() => percentile([1, 2], -1), RangeError);
    assert.throws(() => percentile([1, 2], Number.NaN), RangeError);
  });
});

describe("formatComparisonLine", () => {
  it("prints integer req/s and a two-decimal ratio against fastify", () => {
    assert.equal(
      formatComparisonLine("hello", { loopwise: 41000.4, fastify: 40000, node: 44999.5 }),
      "hello: loopwise=41000 fastify=40000 node=45000 req/s ratio_vs_fastify=1.03",
    );
    assert.equal(
      formatComparisonLine("post", { loopwise: 1, fastify: 3, node: 2 }),
      "post: loopwise=1 fastify=3 node=2 req/s ratio_vs_fastify=0.33",
    );
  });

  it("prints n/a for missing, NaN, negative or infinite figures and for a zero fastify", () => {
    assert.equal(
      formatComparisonLine("hello", { loopwise: undefined, fastify: 40000, node: Number.NaN }),
      "hello: loopwise=n/a fastify=40000 node=n/a req/s ratio_vs_fastify=n/a",
    );
    assert.equal(
      formatComparisonLine("hello", { loopwise: 100, fastify: 0, node: -5 }),
      "hello: loopwise=100 fastify=0 node=n/a req/s ratio_vs_fastify=n/a",
    );
    assert.equal(
      formatComparisonLine("hello", { loopwise: Number.POSITIVE_INFINITY, fastify: 1, node: 1 }),
      "hello: loopwise=n/a fastify=1 node=1 req/s ratio_vs_fastify=n/a",
    );
  });

  it("prints the paired ratio when given one instead of dividing the medians", () => {
    assert.equal(
      formatComparisonLine("hello", { loopwise: 90, fastify: 100, node: 120, ratio: 1.0149 }),
      "hello: loopwise=90 fastify=100 node=120 req/s ratio_vs_fastify=1.01",
    );
    assert.equal(
      formatComparisonLine("hello", { loopwise: 90, fastify: 100, node: 120, ratio: Number.NaN }),
      "hello: loopwise=90 fastify=100 node=120 req/s ratio_vs_fastify=n/a",
    );
  });

  it("always produces exactly one line and refuses names that would break it", () => {
    const line = formatComparisonLine("thread-overhead", { loopwise: 1, fastify: 1, node: 1 });
    assert.equal(line.split("\n").length, 1);
    for (const name of ["", "Hello", "hello\nworld", "a b", "-x", "post:"]) {
      assert.throws(() => formatComparisonLine(name, { loopwise: 1, fastify: 1, node: 1 }), RangeError, name);
    }
  });
});

describe("formatTable", () => {
  it("aligns columns and tolerates short rows", () => {
    const table = formatTable(["server", "req/s"], [["fastify", "40000"], ["node"]]);
    assert.deepEqual(table.split("\n"), ["server   req/s", "-------  -----", "fastify  40000", "node"]);
  });
});

describe("wrkLuaScript", () => {
  it("sets method, headers and body", () => {
    const script = wrkLuaScript({
      url: "http://127.0.0.1:1/items",
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name":"Widget"}',
    });
    assert.equal(
      script,
      'wrk.method = [[\nPOST]]\nwrk.headers[ [[\ncontent-type]] ] = [[\napplication/json]]\nwrk.body = [[\n{"name":"Widget"}]]\n',
    );
  });

  it("picks a long-bracket level no part of the body can close, including at its end", () => {
    const body = '{"a":"]]","b":"]=]"}]';
    const script = wrkLuaScript({ url: "http://127.0.0.1:1/", method: "POST", body });
    assert.ok(script.includes(`wrk.body = [==[\n${body}]==]`), script);
    // `x]` inside `[[...]]` would close at its own `]` plus ours, one character early.
    const endsWithBracket = wrkLuaScript({ url: "http://127.0.0.1:1/", method: "POST", body: "x]" });
    assert.ok(endsWithBracket.includes("wrk.body = [=[\nx]]=]"), endsWithBracket);
  });

  it("omits the body line for a GET", () => {
    assert.equal(wrkLuaScript({ url: "http://127.0.0.1:1/", method: "GET" }), "wrk.method = [[\nGET]]\n");
  });
});

describe("rotate", () => {
  it("rotates so each server takes each position in turn", () => {
    assert.deepEqual(rotate(["a", "b", "c"], 0), ["a", "b", "c"]);
    assert.deepEqual(rotate(["a", "b", "c"], 1), ["b", "c", "a"]);
    assert.deepEqual(rotate(["a", "b", "c"], 5), ["c", "a", "b"]);
    assert.deepEqual(rotate(["a", "b", "c"], -1), ["c", "a", "b"]);
    assert.deepEqual(rotate([], 3), []);
  });
});

describe("parseBenchArgs", () => {
  it("reads scenarios and flags, with defaults", () => {
    const command = parseBenchArgs(["hello", "post", "--rounds", "7", "--duration=3s"]);
    assert.deepEqual(command.scenarios, ["hello", "post"]);
    assert.deepEqual(command.given, { durationSec: 3, rounds: 7 });
    assert.deepEqual(scenarioOptions(undefined, command.given), { durationSec: 3, rounds: 7, connections: 50, warmupSec: 3 });
    assert.equal(command.loader, "auto");
    assert.deepEqual(parseBenchArgs(["hello"]).given, {});
    assert.deepEqual(scenarioOptions(undefined, {}), DEFAULT_OPTIONS);
  });

  it("lets a scenario's own defaults stand where no flag was given, and flags win over them", () => {
    const comparison = { rounds: 10, durationSec: 3 };
    assert.deepEqual(scenarioOptions(comparison, {}), { durationSec: 3, rounds: 10, connections: 50, warmupSec: 3 });
    assert.deepEqual(scenarioOptions(comparison, parseBenchArgs(["hello", "--rounds", "4"]).given), {
      durationSec: 3,
      rounds: 4,
      connections: 50,
      warmupSec: 3,
    });
    assert.deepEqual(scenarioOptions(undefined, parseBenchArgs(["hol", "--warmup", "0"]).given), { ...DEFAULT_OPTIONS, warmupSec: 0 });
  });

  it("refuses unbounded, fractional, negative or non-numeric settings and unknown flags", () => {
    for (const argv of [
      ["all", "--duration", "100000"],
      ["all", "--duration", "0"],
      ["all", "--rounds", "2.5"],
      ["all", "--connections", "-1"],
      ["all", "--warmup", "abc"],
      ["all", "--loader", "ab"],
      ["all", "--threads", "4"],
    ]) {
      assert.throws(() => parseBenchArgs(argv), argv.join(" "));
    }
  });
});

describe("CPU share parsing", () => {
  const PROC_STAT = "cpu  44686 20 17876 190977 351 0 6869 2352 0 0\ncpu0 100 5 45 800 10 20 30 40 0 0\ncpu1 1 1 1 1 1 1 1 1 0 0\n";

  it("reads one CPU's total and process-context ticks", () => {
    assert.deepEqual(parseProcStatCpu(PROC_STAT, 0), { total: 1050, processBusy: 150 });
    assert.equal(parseProcStatCpu(PROC_STAT, 7), undefined);
    assert.equal(parseProcStatCpu("cpu0 1 2 x 4 5 6 7 8\n", 0), undefined);
    assert.equal(parseProcStatCpu("cpu0 1 2 3\n", 0), undefined);
    assert.equal(parseProcStatCpu("", 0), undefined);
  });

  it("reads utime + stime even when the command name holds spaces and parentheses", () => {
    assert.equal(parsePidStatTicks("42 (node) S 1 42 42 0 -1 0 0 0 0 0 700 300 0 0 20"), 1000);
    assert.equal(parsePidStatTicks("42 (a) b) (c) S 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20"), 10);
    assert.equal(parsePidStatTicks("42 node S 1"), undefined);
    assert.equal(parsePidStatTicks("42 (node) S 1 2"), undefined);
  });

  it("charges the CPU's busy time not spent by the measured process to others, within 0..1", () => {
    const before = { cpuTotal: 1000, cpuProcessBusy: 500, processTicks: 400 };
    assert.equal(otherProcessesShare(before, { cpuTotal: 1100, cpuProcessBusy: 600, processTicks: 470 }), 0.3);
    assert.equal(otherProcessesShare(before, { cpuTotal: 1100, cpuProcessBusy: 600, processTicks: 520 }), 0);
    assert.equal(otherProcessesShare(before, { ...before }), undefined);
    assert.equal(otherProcessesShare(undefined, before), undefined);
  });

  it("divides the server's CPU time by the requests it completed", () => {
    const before = { cpuTotal: 0, cpuProcessBusy: 0, processTicks: 1000 };
    const after = { cpuTotal: 500, cpuProcessBusy: 500, processTicks: 1050 };
    const expected = (50 / clockTicksPerSecond()) * 1e6 / 1000;
    assert.equal(cpuMicrosPerRequest(before, after, 1000), expected);
    assert.equal(cpuMicrosPerRequest(before, after, 0), undefined);
    assert.equal(cpuMicrosPerRequest(before, after, undefined), undefined);
    assert.equal(cpuMicrosPerRequest(after, before, 1000), undefined);
    assert.equal(cpuMicrosPerRequest(undefined, after, 1000), undefined);
  });
});

describe("summarizeServer", () => {
  const run = (requestsPerSec: number, extra: Partial<MeasuredRun["load"]> = {}, otherShare?: number): MeasuredRun => ({
    load: {
      requestsPerSec,
      totalRequests: requestsPerSec * 5,
      latencyMs: { p50: 2, p99: 9 },
      socketErrors: 0,
      non2xx: 0,
      ...extra,
    },
    otherShare,
    cpuMicrosPerRequest: 50,
  });

  it("takes the median of the rounds and fills every column", () => {
    const summary = summarizeServer("hello", "node", [run(100), run(110, {}, 0), run(105, {}, 0.5)]);
    assert.equal(summary.requestsPerSec, 105);
    assert.equal(summary.row.length, COMPARISON_HEADERS.length);
    assert.deepEqual(summary.row.slice(0, 4), ["node", "105", "100-110", "110 (1)"]);
    assert.deepEqual(summary.failures, []);
    assert.match(summary.warnings.join("\n"), /in 1 of 3 runs other processes took more than 10%/);
  });

  it("voids a figure measured on error responses and reports socket errors", () => {
    const summary = summarizeServer("post", "fastify", [run(100, { non2xx: 3, socketErrors: 2 }), run(100)]);
    assert.deepEqual(summary.failures, ["post/fastify: 3 responses were not 2xx/3xx"]);
    assert.ok(summary.warnings.includes("post/fastify: 2 socket errors"));
  });

  it("flags rounds that spread widely, and gives n/a for a server with no run", () => {
    assert.match(summarizeServer("hello", "x", [run(100), run(200)]).warnings.join(), /spread 67%/);
    const empty = summarizeServer("hello", "loopwise", []);
    assert.equal(empty.requestsPerSec, undefined);
    assert.equal(empty.row.length, COMPARISON_HEADERS.length);
    assert.equal(empty.row[1], "n/a");
  });

  it("does not divide by a zero median", () => {
    const summary = summarizeServer("hello", "x", [run(0), run(0)]);
    assert.equal(summary.requestsPerSec, 0);
    assert.ok(!summary.warnings.some((warning) => warning.includes("NaN")));
  });
});

describe("interleaved bursts", () => {
  const burst = (requestsPerSec: number, totalRequests: number | undefined, cpu: number | undefined, otherShare: number | undefined, p99 = 9): MeasuredRun => ({
    load: { requestsPerSec, totalRequests, latencyMs: { p50: 1, p99 }, socketErrors: 1, non2xx: 2 },
    otherShare,
    cpuMicrosPerRequest: cpu,
  });

  it("alternates the order of the servers from one burst to the next", () => {
    assert.deepEqual(burstOrder(["a", "b", "c"], 0), ["a", "b", "c"]);
    assert.deepEqual(burstOrder(["a", "b", "c"], 1), ["c", "b", "a"]);
    assert.deepEqual(burstOrder(["a", "b", "c"], 2), ["a", "b", "c"]);
    const items = ["a", "b"];
    burstOrder(items, 1);
    assert.deepEqual(items, ["a", "b"], "the caller's array is left alone");
  });

  it("merges a server's bursts: mean req/s, summed counts, CPU weighted by requests, median latencies", () => {
    const merged = mergeBursts([burst(100, 100, 40, 0.1, 5), burst(300, 300, 60, 0.3, 7), burst(200, 200, 50, 0.2, 30)])!;
    assert.equal(merged.load.requestsPerSec, 200);
    assert.equal(merged.load.totalRequests, 600);
    assert.equal(merged.load.socketErrors, 3);
    assert.equal(merged.load.non2xx, 6);
    assert.deepEqual(merged.load.latencyMs, { p50: 1, p99: 7 });
    // (40*100 + 60*300 + 50*200) / 600
    assert.ok(Math.abs(merged.cpuMicrosPerRequest! - 32000 / 600) < 1e-9);
    assert.ok(Math.abs(merged.otherShare! - 0.2) < 1e-9);
  });

  it("leaves a figure unknown when any burst lacks it, and merges nothing into undefined", () => {
    const merged = mergeBursts([burst(100, undefined, 40, undefined), burst(300, 300, undefined, 0.3)])!;
    assert.equal(merged.load.totalRequests, undefined);
    assert.equal(merged.cpuMicrosPerRequest, undefined);
    assert.equal(merged.otherShare, undefined);
    assert.equal(mergeBursts([]), undefined);
    const one = burst(1, 1, 1, 0);
    assert.equal(mergeBursts([one]), one);
  });

  it("takes the median of the rounds' own ratios, skipping rounds where either side is missing", () => {
    // Each round says loopwise was 10% slower, however fast the machine was that round.
    const rounds = [
      { a: 90, b: 100 },
      { a: 180, b: 200 },
      { a: 45, b: 50 },
      { a: undefined, b: 100 },
      { a: 100, b: 0 },
    ];
    assert.ok(Math.abs(pairedRatio(rounds)! - 0.9) < 1e-9);
    assert.equal(pairedRatio([{ a: Number.NaN, b: 1 }, { a: 1, b: undefined }]), undefined);
    assert.equal(pairedRatio([]), undefined);
    assert.equal(formatRoundRatios(rounds, 2), "0.90 0.90 0.90 n/a n/a");
  });
});

/** Runs `body` with environment variable `name` set to `value` (unset for undefined), then restores it. */
function withEnv<T>(name: string, value: string | undefined, body: () => T): T {
  const saved = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

describe("loopwiseWatchdogOff", () => {
  const withValue = <T>(value: string | undefined, body: () => T): T => withEnv(LOOPWISE_WATCHDOG_ENV, value, body);

  it("keeps the defaults unless asked for off", () => {
    assert.equal(withValue(undefined, loopwiseWatchdogOff), false);
    assert.equal(withValue("on", loopwiseWatchdogOff), false);
    assert.equal(withValue("off", loopwiseWatchdogOff), true);
  });

  it("refuses any other value, naming the variable, rather than guess", () => {
    for (const value of ["", "OFF", "false", "0", " off", "off\n"]) {
      assert.throws(() => withValue(value, loopwiseWatchdogOff), new RegExp(`${LOOPWISE_WATCHDOG_ENV} must be on or off`));
    }
  });
});

describe("envInteger and envChoice", () => {
  const NAME = "LOOPWISE_TEST_BENCH_SETTING";

  it("reads a whole number in bounds, and the fallback when unset", () => {
    assert.equal(withEnv(NAME, undefined, () => envInteger(NAME, 2, 1, 20)), 2);
    assert.equal(withEnv(NAME, "1", () => envInteger(NAME, 2, 1, 20)), 1);
    assert.equal(withEnv(NAME, "20", () => envInteger(NAME, 2, 1, 20)), 20);
  });

  it("refuses what Number would read loosely, and what is out of bounds, naming the variable", () => {
    for (const value of ["", " 4", "4 ", "4.0", "0x10", "1e1", "-1", "0", "21", "NaN", "Infinity", "99999999999999999999"]) {
      assert.throws(() => withEnv(NAME, value, () => envInteger(NAME, 2, 1, 20)), new RegExp(`${NAME} must be a whole number from 1 to 20`), value);
    }
  });

  it("takes one of the choices or the fallback, set or unset", () => {
    assert.equal(withEnv(NAME, undefined, () => envChoice(NAME, "", ["noengine", "nocapture"])), "");
    assert.equal(withEnv(NAME, "", () => envChoice(NAME, "", ["noengine", "nocapture"])), "");
    assert.equal(withEnv(NAME, "nocapture", () => envChoice(NAME, "", ["noengine", "nocapture"])), "nocapture");
  });

  it("refuses anything else, listing the choices", () => {
    for (const value of ["NOENGINE", "noengine ", "engine", "noengine\n"]) {
      assert.throws(() => withEnv(NAME, value, () => envChoice(NAME, "", ["noengine", "nocapture"])), new RegExp(`${NAME} must be noengine or nocapture`), value);
    }
  });
});
