import inspector from "node:inspector";

/**
 * The watchdog thread's inspector session to the main thread: no `--inspect`, no port, never
 * `inspector.open()`. Only `Runtime.evaluate` is used in normal operation. The Debugger domain
 * stays off (while enabled it makes promise-heavy code several times slower) unless a debugger
 * may be attached (`inspector.url()` set); then it is enabled only to hear about breakpoint
 * pauses, with this session's breakpoints deactivated so a `debugger;` statement does not stop
 * the program when no developer is attached.
 */
export class MainThreadInspector {
  readonly #session: inspector.Session;
  #paused = false;
  #observingDebugger = false;
  #connected = true;
  #onPauseChange: (paused: boolean) => void = () => {};

  private constructor(session: inspector.Session) {
    this.#session = session;
  }

  /** Connects, or says why it cannot (Node built without inspector, inspector disabled). */
  static connect(): MainThreadInspector | Error {
    try {
      const session = new inspector.Session();
      session.connectToMainThread();
      return new MainThreadInspector(session);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** True while a debugger holds the main thread at a breakpoint. */
  get paused(): boolean {
    return this.#paused;
  }

  onPauseChange(listener: (paused: boolean) => void): void {
    this.#onPauseChange = listener;
  }

  get observingDebugger(): boolean {
    return this.#observingDebugger;
  }

  /** Starts listening for breakpoint pauses (idempotent); `onReady` once the main thread agreed. */
  observeDebugger(onReady: () => void = () => {}): void {
    if (this.#observingDebugger || !this.#connected) return;
    this.#observingDebugger = true;
    this.#session.on("Debugger.paused", () => this.#setPaused(true));
    this.#session.on("Debugger.resumed", () => this.#setPaused(false));
    // Both messages are dispatched together on the main thread, so no `debugger;` statement can
    // run between them and stop the program on our behalf.
    this.#session.post("Debugger.enable", () => {});
    this.#session.post("Debugger.setBreakpointsActive", { active: false }, () => onReady());
  }

  /**
   * Runs `expression` on the main thread and hands back its value (or null on error). The
   * callback may never be called: a main thread stuck in native code never serves the request.
   */
  evaluate(expression: string, onResult: (value: unknown) => void): void {
    if (!this.#connected) return;
    this.#session.post(
      "Runtime.evaluate",
      { expression, returnByValue: true, silent: true, includeCommandLineAPI: false },
      (error, result) => {
        if (error !== null || result.exceptionDetails !== undefined) onResult(null);
        else onResult(result.result.value);
      },
    );
  }

  disconnect(): void {
    if (!this.#connected) return;
    this.#connected = false;
    try {
      this.#session.disconnect();
    } catch {
      // Already gone with the thread: nothing to release.
    }
  }

  #setPaused(paused: boolean): void {
    if (this.#paused === paused) return;
    this.#paused = paused;
    this.#onPauseChange(paused);
  }
}
