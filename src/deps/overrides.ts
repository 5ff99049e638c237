import { Dependency, makeCore, type DependencyContext } from "./dependency.js";

/** What replaces a dependency: another dependency (with its own parameters), or a plain function. */
export type DependencyReplacement = Dependency<any> | ((ctx: DependencyContext<any>) => unknown);

/**
 * Replacements for dependencies, for tests (FastAPI's `app.dependency_overrides`). Keys are the
 * dependency as declared (or its function); a replacement applies wherever the dependency is
 * used, including inside other dependencies and copies made by `security()` or `depends(dep, ...)`.
 * Changes apply to the next request.
 *
 * @example
 * app.dependencyOverrides.set(getDb, depends(async function* () { yield fakeDb; }));
 * app.dependencyOverrides.set(currentUser, () => ({ name: "test-user" }));
 * // ... requests ...
 * app.dependencyOverrides.clear();
 */
export class DependencyOverrides extends Map<Dependency<any> | Function, DependencyReplacement> {
  readonly #wrapped = new WeakMap<Function, Dependency<unknown>>();

  /** The dependency to run in place of `dependency` (itself when not overridden). */
  replace(dependency: Dependency<unknown>): Dependency<unknown> {
    if (this.size === 0) return dependency;
    const core = dependency.core;
    const replacement = this.get(dependency) ?? (core.origin ? this.get(core.origin) : undefined) ?? this.get(core.fn);
    if (replacement === undefined) return dependency;
    const replacementCore = replacement instanceof Dependency ? replacement.core : this.#wrap(replacement).core;
    // The use keeps its own options: caching and the scopes it asks for.
    return new Dependency(replacementCore, dependency.useCache, dependency.scopes);
  }

  #wrap(fn: (ctx: DependencyContext<any>) => unknown): Dependency<unknown> {
    let wrapped = this.#wrapped.get(fn);
    if (!wrapped) {
      wrapped = new Dependency(makeCore(fn, {}), true, []);
      this.#wrapped.set(fn, wrapped);
    }
    return wrapped;
  }
}
