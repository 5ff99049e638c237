import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { repoRoot } from "../support/node-bin.js";
import { spawnApp, type SpawnedApp } from "../support/spawn-app.js";

const MiB = 1024 * 1024;

/** Bytes a process has read with read(2) and friends (files and sockets), from /proc (Linux). */
function bytesReadBy(pid: number): number {
  return Number(/rchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))![1]);
}

/** Resident memory of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

// The server runs in its own process so that only its reads and memory are measured. A
// deliberately slow client reads a 1 GiB file for a bounded time. If the server read ahead of the
// client it would have read far more of the file than the client received (counted exactly by the
// kernel, whatever the garbage collector does), and its RSS would grow by hundreds of MiB. RSS
// alone is not a fair judge: buffers already sent wait for a collection, and growth of 70 MiB
// from that lag alone was seen.
describe("streaming a 1 GiB file to a slow client", { skip: process.platform !== "linux" && "needs /proc" }, () => {
  let server: SpawnedApp;
  before(async () => {
    server = await spawnApp(path.join(repoRoot, "test/files/fixtures/big-file-app.ts"), { LOG_LEVEL: "info" });
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  it("reads the file only as fast as the client takes it, and keeps memory flat", async () => {
    const pid = server.child.pid!;
    const { port } = new URL(server.url);
    // Warm up the code path first, so that loading modules is not counted as growth.
    await fetch(`${server.url}/big`, { headers: { range: "bytes=0-1048575" } }).then((r) => r.arrayBuffer());
    const baseline = rssOf(pid);
    const readBefore = bytesReadBy(pid);
    let peak = baseline;
    let received = 0;
    let head = "";
    const socket = net.connect(Number(port), "127.0.0.1");
    socket.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    // Slow: after each chunk, pause 5 ms before reading on.
    socket.on("data", (chunk: Buffer) => {
      if (head.length < 200) head += chunk.subarray(0, 200).toString("latin1");
      received += chunk.length;
      socket.pause();
      setTimeout(() => socket.resume(), 5);
    });
    socket.on("error", () => undefined);
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 200);
    await new Promise((r) => setTimeout(r, 8_000));
    clearInterval(sampler);
    peak = Math.max(peak, rssOf(pid));
    const readByServer = bytesReadBy(pid) - readBefore;
    socket.destroy();
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n[\s\S]*content-length: 1073741824\r\n/i);
    assert.ok(received > 20 * MiB, `the client read ${(received / MiB).toFixed(0)} MiB: it was slow, not stalled`);
    assert.ok(received < 1024 * MiB, "the client was slower than the file is long");
    // What is in flight: the file stream's chunk, the socket's buffers, the kernel's socket buffers.
    const readAhead = readByServer - received;
    assert.ok(readAhead < 16 * MiB, `the server read ${(readByServer / MiB).toFixed(1)} MiB for ${(received / MiB).toFixed(1)} MiB sent`);
    const growth = peak - baseline;
    assert.ok(growth < 256 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB while streaming ${(received / MiB).toFixed(0)} MiB`);
  });
});
