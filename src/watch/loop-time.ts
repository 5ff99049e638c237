import { createHook, type AsyncHook } from "node:async_hooks";
import { requestContext } from "./request-context.js";
import type { RequestProfile } from "./request-profile.js";
import { performance } from "node:perf_hooks";

/**
 * Time each sampled request spends running on the event loop, from `async_hooks` before/after:
 * every callback and promise continuation is timed and charged to the request whose context it
 * runs in. The hook is global (it costs every request while enabled), so it is enabled only
 * while at least one sampled request is in flight, and disabled when the last one ends
 * (Blackfire's "hooks removed afterwards").
 */
class LoopTimer {
  #hook: AsyncHook | undefined;
  #sampled = 0;
  /** The profile charged for the callback running now, and since when. */
  #active: RequestProfile | undefined;
  #since = 0;
  /** Profiles of the callbacks the running one interrupted (callbacks nest: nextTick, microtasks). */
  readonly #stack: (RequestProfile | undefined)[] = [];

  /** A sampled request arrived; its synchronous start (running now) is charged to it. */
  begin(profile: RequestProfile): void {
    if (this.#sampled++ === 0) this.#enable();
    this.#switchTo(profile);
  }

  /** A sampled request ended (its response is written). */
  end(profile: RequestProfile): void {
    if (this.#active === profile) this.#switchTo(undefined);
    if (--this.#sampled === 0) this.#disable();
  }

  get enabled(): boolean {
    return this.#hook !== undefined;
  }

  #enable(): void {
    this.#stack.length = 0;
    this.#active = undefined;
    this.#hook = createHook({
      before: () => {
        this.#stack.push(this.#active);
        this.#switchTo(sampledProfile());
      },
      after: () => {
        // An `after` whose `before` ran before the hook was enabled has nothing to pop.
        this.#switchTo(this.#stack.length > 0 ? this.#stack.pop() : undefined);
      },
    });
    this.#hook.enable();
  }

  #disable(): void {
    this.#hook?.disable();
    this.#hook = undefined;
    this.#stack.length = 0;
    this.#active = undefined;
  }

  #switchTo(next: RequestProfile | undefined): void {
    const now = performance.now();
    const active = this.#active;
    if (active !== undefined && active.endedAt === 0) active.onLoopMs += now - this.#since;
    this.#active = next;
    this.#since = now;
  }
}

function sampledProfile(): RequestProfile | undefined {
  const profile = requestContext.getStore()?.profile;
  return profile !== undefined && profile.sampled ? profile : undefined;
}

/** The process's on-loop timer for sampled requests. */
export const loopTimer = new LoopTimer();
