/** Whether to report a block, and how many like it were held back since the last report. */
export interface RateDecision {
  report: boolean;
  suppressedBefore: number;
}

const PRUNE_AT_SIZE = 1024;

/**
 * At most one report per fingerprint per window (Sentry reports one hang per hour; a blocked
 * loop tends to repeat on every request of the same route). Counts what it holds back, so the
 * next report can say "and 12 more like it".
 */
export class FingerprintRateLimiter {
  readonly #windowMs: number;
  readonly #seen = new Map<string, { reportedAt: number; suppressed: number }>();

  constructor(windowMs: number) {
    this.#windowMs = Math.max(0, windowMs);
  }

  decide(fingerprint: string, nowMs: number): RateDecision {
    const entry = this.#seen.get(fingerprint);
    if (entry !== undefined && nowMs - entry.reportedAt < this.#windowMs) {
      entry.suppressed++;
      return { report: false, suppressedBefore: 0 };
    }
    if (this.#seen.size >= PRUNE_AT_SIZE) this.#prune(nowMs);
    this.#seen.set(fingerprint, { reportedAt: nowMs, suppressed: 0 });
    return { report: true, suppressedBefore: entry?.suppressed ?? 0 };
  }

  #prune(nowMs: number): void {
    for (const [fingerprint, entry] of this.#seen) {
      if (nowMs - entry.reportedAt >= this.#windowMs) this.#seen.delete(fingerprint);
    }
    // Still full of live entries (many distinct stacks): forget the oldest half.
    if (this.#seen.size >= PRUNE_AT_SIZE) {
      let drop = this.#seen.size / 2;
      for (const fingerprint of this.#seen.keys()) {
        if (drop-- <= 0) break;
        this.#seen.delete(fingerprint);
      }
    }
  }
}
