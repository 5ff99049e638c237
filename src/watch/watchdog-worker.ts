// Entry of the watchdog thread. Everything it does is in Watcher; this wires it to the port.
import { parentPort, workerData } from "node:worker_threads";
import type { ToWorker, WatchdogWorkerConfig } from "./protocol.js";
import { Watcher } from "./watcher.js";
import process from "node:process";

if (parentPort === null) throw new Error("watchdog-worker must run in a worker thread");
const port = parentPort;
const watcher = new Watcher(workerData as WatchdogWorkerConfig, port);
port.on("message", (message: ToWorker) => {
  watcher.handle(message);
  // Pending report timers must not keep the thread (or the session) around after stop.
  if (message.type === "stop") process.exit(0);
});
watcher.start();
