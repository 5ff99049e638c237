/**
 * Runs the S3 app, asks for both versions with a sampled profile, and prints what the profile
 * says about each: `node --conditions=loopwise-source --import tsx examples/s3-sequential/demo.ts`.
 */
import { app } from "./app.js";

const server = await app.serve({ port: 0, handleSignals: false });
try {
  for (const path of ["/universities", "/universities/concurrent"]) {
    // One warm-up call each, so the printed one is not the first (module loading, JIT).
    await (await fetch(`${server.url}${path}`)).arrayBuffer();
    const response = await fetch(`${server.url}${path}`, { headers: { "x-loopwise-profile": "1" } });
    await response.arrayBuffer();
    console.log(`GET ${path} -> ${response.status}`);
    console.log(`  Server-Timing: ${response.headers.get("server-timing")}`);
  }
  // The sampled requests (those sent with the header), one per route.
  const sampled = app.watch!.profiles.filter((kept) => kept.summary.onLoopMs !== undefined);
  for (const kept of ["/universities", "/universities/concurrent"].map((route) => sampled.findLast((p) => p.route === route)!)) {
    const { summary } = kept;
    console.log(`\n${kept.method} ${kept.url}: wall ${summary.wallMs} ms, on the loop ${summary.onLoopMs} ms, waiting ${summary.waitingMs} ms`);
    const outbound = summary.outbound!;
    console.log(`  ${outbound.count} outbound calls, at most ${outbound.maxConcurrency} at a time, busy ${outbound.busyMs} ms of ${outbound.totalMs} ms`);
    for (const call of outbound.calls) console.log(`    ${call.method} ${call.url.replace(/^http:\/\/[^/]+/, "")}  ${call.startMs} -> ${call.endMs} ms  ${call.status}`);
    if (summary.hint) console.log(`  hint: ${summary.hint.text}`);
  }
} finally {
  await server.close();
  process.exit(0);
}
