import type { InFlightRequest } from "./in-flight-layout.js";

/** One frame of a blocked stack, in the source the developer wrote where a source map says so. */
export interface BlockFrame {
  /** Function name as V8 reports it; "<anonymous>" when it has none. */
  fn: string;
  /** Absolute path (or `node:` id) of the source file; "" for builtins such as `JSON.stringify`. */
  file: string;
  line: number;
  col: number;
  /**
   * Set when the file is TypeScript but no source map was found yet, so `line`/`col` point into
   * the transpiled code. Happens only in the early report of a block that has not ended under tsx
   * (the map lives on the blocked thread); the final report is mapped.
   */
  unmapped?: true;
}

/**
 * Share of the block's wall time the blocked thread spent on a CPU (running our code or native
 * code for us), off CPU (sleeping in a syscall, `Atomics.wait`, `execSync`), and runnable but
 * waiting for a CPU (the machine or container had none for us: not the app's fault). From
 * `/proc/self/task/<tid>/schedstat`; fractions of 1, rounded to 0.01.
 */
export interface BlockClass {
  onCpu: number;
  offCpu: number;
  runqueue: number;
}

/** The request a block is blamed on. */
export interface BlockRequest {
  id: number;
  method: string;
  /** Absent when only the last-request slot was available (it records no URL). */
  url?: string;
  /** Route pattern as declared, e.g. `/items/{item_id}`. */
  route: string;
}

/** The thread that was blocked: the main thread's event loop, or a thread-lane worker. */
export type BlockedThread = "main" | { workerId: number; route: string };

/**
 * How the request was identified. `context`: read from the request context of the code that was
 * running on the blocked thread (exact). `slot`: the last request to enter a handler on that
 * thread (a guess under concurrency, used when no JavaScript ran during the block). `none`:
 * `lane`: a thread-lane worker's own record of the request it runs (exact: a worker runs one
 * request at a time). `none`: nothing was available.
 */
export type Attribution = "context" | "slot" | "lane" | "none";

/**
 * What the watchdog says about one block of the event loop (or one stuck thread-lane worker).
 * A block that lasts longer than `neverEndingReportAfterMs` gives two reports with the same
 * `blockId`: an early one with `ended: false` while it is still going on, and a final one.
 */
export interface BlockReport {
  /** Increasing per process; the early and final report of one block share it. */
  blockId: number;
  /** How long the thread was blocked (so far, when `ended` is false). Accurate to ~10 ms. */
  durationMs: number;
  /**
   * True when the stack was taken while the block still went on: shortly after detection, or
   * with as much of the block still to come. False when it was taken as the block ended: native
   * calls (`pbkdf2Sync`, `readFileSync`, `execSync`) run no JavaScript until they return, so
   * their stack is the call chain that made the native call, taken as it returned (the frames
   * above the app's are whatever ran next). Also false when there is no stack.
   */
  capturedDuring: boolean;
  /** Milliseconds from detection to the moment the stack was taken; null without a stack. */
  captureLagMs: number | null;
  /**
   * Milliseconds from the block's start (the last heartbeat) to its detection: the threshold
   * plus up to one poll. `detectedAfterMs + captureLagMs` is how long the watchdog took to take
   * the stack.
   */
  detectedAfterMs: number;
  ended: boolean;
  /** Null where `/proc/self/task/<tid>/schedstat` is not readable (non-Linux, locked-down /proc). */
  class: BlockClass | null;
  request?: BlockRequest;
  attribution: Attribution;
  /**
   * True when the blocked code was known to run outside any request (a timer, startup code...).
   * With `request` set too, it is code a request left behind that ran after its response was
   * written (a timer the handler set): `request` names that request.
   */
  outsideRequest: boolean;
  /** For blocks outside requests: the kind of callback, when Node says ("timer", "I/O"...). */
  origin?: string;
  /** Innermost first. Empty when no stack could be taken. */
  frames: BlockFrame[];
  /** Stable id of the blocking code path; reports are rate-limited per fingerprint. */
  fingerprint: string;
  /** Blocks with this fingerprint that were not reported since the last report of it. */
  suppressedBefore: number;
  thread: BlockedThread;
  /** When the block started. */
  at: Date;
  /**
   * Main thread: the requests in flight when the block was detected, oldest first (at most 64),
   * read by the watchdog thread from shared memory, so they are known even when the block
   * never ends. Absent when none were in flight or the app does not track them.
   */
  inFlight?: InFlightRequest[];
}
