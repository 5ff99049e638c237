/**
 * A truly blocking wait, like Python's `time.sleep`: the thread sleeps in a futex and runs
 * nothing else meanwhile. On the event loop it stalls every request the process serves.
 */
export function blockingSleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
