/** Settings of a {@link RestartBackoff}. */
export interface BackoffSettings {
  /** Delay after an isolated crash. */
  baseMs: number;
  /** Longest delay, however often a worker keeps dying. */
  maxMs: number;
  /** A worker that served this long before dying resets the count: it was a crash, not a crash loop. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffSettings> = { baseMs: 100, maxMs: 10_000, stableMs: 10_000 };

/**
 * How long to wait before replacing a dead worker: `baseMs`, doubling with each death that
 * follows quickly on the previous one, up to `maxMs`. Without it, an app that crashes at startup
 * would be forked in a tight loop.
 *
 * @example
 * const backoff = new RestartBackoff();
 * backoff.next(undefined); // 100 (never became ready)
 * backoff.next(50);        // 200 (died 50 ms after becoming ready)
 * backoff.next(60_000);    // 100 (had been serving for a minute)
 */
export class RestartBackoff {
  readonly #settings: BackoffSettings;
  #quickDeaths = 0;

  constructor(settings: BackoffSettings = DEFAULT_BACKOFF) {
    if (!(settings.baseMs >= 0 && settings.maxMs >= settings.baseMs && settings.stableMs >= 0)) {
      throw new RangeError(`invalid backoff settings: ${JSON.stringify(settings)}`);
    }
    this.#settings = settings;
  }

  /**
   * The delay before the next replacement.
   * @param servedMs how long the dead worker had been ready; undefined if it never was.
   */
  next(servedMs: number | undefined): number {
    const { baseMs, maxMs, stableMs } = this.#settings;
    if (servedMs !== undefined && servedMs >= stableMs) this.#quickDeaths = 0;
    this.#quickDeaths++;
    return Math.min(maxMs, baseMs * 2 ** Math.min(this.#quickDeaths - 1, 30));
  }
}
