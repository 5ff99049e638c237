import { serialize } from "node:v8";
import { move, transferableSymbol, valueSymbol } from "piscina";
import type { Route } from "../routing/route.js";
import { encodeError } from "./error-transport.js";
import {
  CALL_PROBE,
  CALL_ROUTE,
  REPLY_ERROR,
  REPLY_PROBE,
  REPLY_SKIPPED,
  REPLY_VALUE,
  moduleOfKey,
  transferable,
  type Call,
  type FunctionCall,
  type ProbeCall,
  type Reply,
} from "./messages.js";
import { findThreadTarget } from "./registry.js";
import { runRouteCall } from "./route-on-thread.js";
import { WorkerCancellation } from "./worker-cancellation.js";
import { CallClock } from "./call-clock.js";
import { currentPoolWorkerData } from "./worker-context.js";
import { importOnce, resolveTarget } from "./worker-targets.js";
import { claimThreadLane } from "../watch/pool-lanes.js";

const data = currentPoolWorkerData();
if (data === undefined) throw new Error("loopwise's worker runtime only runs in a thread-lane pool worker");
const cancellation = new WorkerCancellation(data);
// This thread's heartbeat towards the watchdog (when one runs): a call stuck far too long is reported with its route.
const lane = claimThreadLane(data.watchdogLanes);
// When this thread's calls end, for the pool's balancer: a thread getting through short calls may be handed several.
const clock = data.callClock === undefined ? undefined : CallClock.join(data.callClock);

const SKIPPED: Reply = [REPLY_SKIPPED];

/** Runs one call sent by the pool; never rejects (failures are replies). */
export async function handleCall(call: Call): Promise<unknown> {
  if (call[0] === CALL_PROBE) return probe(call);
  const id = call[1];
  if (cancellation.isCancelled(id)) return SKIPPED;
  const key = call[2];
  let target = findThreadTarget(key);
  if (target === undefined) {
    try {
      target = await resolveTarget(key, moduleOfKey(key));
    } catch (error) {
      return [REPLY_ERROR, encodeError(error)] satisfies Reply;
    }
  }
  lane?.enter(
    call[0] === CALL_ROUTE
      ? { id: call[10], method: call[3], route: (target.value as Route).template.template }
      : { id: 0, method: "", route: key.slice(0, key.lastIndexOf(" @ ")) },
  );
  const startedAt = clock?.begin() ?? 0;
  try {
    if (call[0] === CALL_ROUTE) return await runRouteCall(call, target.value as Route, cancellation);
    return await runFunctionCall(call, target.value as (...args: unknown[]) => unknown);
  } finally {
    clock?.end(startedAt);
    lane?.exit();
  }
}

async function runFunctionCall(call: FunctionCall, fn: (...args: unknown[]) => unknown): Promise<unknown> {
  let value: unknown;
  try {
    value = await fn(...call[3]);
  } catch (error) {
    return [REPLY_ERROR, encodeError(error)] satisfies Reply;
  }
  let serialized: Uint8Array;
  try {
    serialized = serialize(value);
  } catch (error) {
    const name = call[2].slice(0, call[2].lastIndexOf(" @ "));
    const reason = new TypeError(`${name} returned a value that cannot be sent between threads (${(error as Error).message}); return plain data`);
    return [REPLY_ERROR, encodeError(reason)] satisfies Reply;
  }
  const { bytes, transfer } = transferable(serialized);
  const reply: Reply = [REPLY_VALUE, bytes];
  return transfer ? move({ [transferableSymbol]: transfer, [valueSymbol]: reply } as never) : reply;
}

async function probe(call: ProbeCall): Promise<Reply> {
  const keys = call[2];
  const failed: string[] = [];
  for (const module of new Set(keys.map(moduleOfKey))) {
    try {
      await importOnce(module);
    } catch (error) {
      failed.push(`${module}: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
  return [REPLY_PROBE, keys.filter((key) => findThreadTarget(key) === undefined), failed];
}
