/** A dependency's generator, paused at its `yield`. */
export type PausedGenerator = Generator<unknown, unknown, unknown> | AsyncGenerator<unknown, unknown, unknown>;

/** An error on its way out; boxed so that `undefined` can be thrown and still count as an error. */
export interface Thrown {
  readonly error: unknown;
}

/**
 * The teardowns of one request's generator dependencies, run latest first (Python's
 * `AsyncExitStack`): an error raised by one teardown is thrown into the ones set up before it,
 * which may handle it or replace it.
 */
export class TeardownStack {
  readonly #paused: { generator: PausedGenerator; name: string }[] = [];

  push(generator: PausedGenerator, name: string): void {
    this.#paused.push({ generator, name });
  }

  get size(): number {
    return this.#paused.length;
  }

  /**
   * Resumes every paused generator, latest first. Without `thrown` (success), each resumes after
   * its `yield`; with it, the error is thrown at the `yield`. A teardown that raises replaces the
   * error passed on to the earlier ones; one that catches the error and returns cannot make the
   * request succeed (there is no response to give), so the error continues unchanged.
   *
   * @returns the error still raised after every teardown ran, if any.
   */
  async exit(thrown?: Thrown): Promise<Thrown | undefined> {
    let current = thrown;
    while (this.#paused.length > 0) {
      const { generator, name } = this.#paused.pop()!;
      try {
        const step = current ? await generator.throw(current.error) : await generator.next();
        if (!step.done) {
          await generator.return(undefined);
          current ??= { error: new Error(`Dependency ${name} yielded more than once; a dependency yields exactly one value`) };
        }
      } catch (error) {
        current = { error };
      }
    }
    return current;
  }
}
