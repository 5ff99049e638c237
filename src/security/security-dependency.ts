import { Dependency, makeCore, type DependencyContext } from "../deps/dependency.js";
import type { SecurityScheme } from "./scheme.js";

/** Makes the dependency of a security helper: a function of the request, documented as `scheme`. */
export function securityDependency<T>(scheme: SecurityScheme, fn: (ctx: DependencyContext) => T): Dependency<T> {
  Object.defineProperty(fn, "name", { value: scheme.name });
  return new Dependency<T>(makeCore(fn as (ctx: DependencyContext<any>) => unknown, {}, scheme), true, []);
}

/** The common options of the security helpers. */
export interface SecurityOptions<AutoError extends boolean> {
  /** The key under `components.securitySchemes` (default: FastAPI's name for the helper). */
  schemeName?: string;
  /** Shown in the docs. */
  description?: string;
  /**
   * `true` (default): missing or malformed credentials answer 401 `Not authenticated`.
   * `false`: the dependency gives `undefined` instead, for optional or alternative authentication.
   */
  autoError?: AutoError;
}

/** The value type of a helper: `undefined` is possible only with `autoError: false`. */
export type MaybeMissing<T, AutoError extends boolean> = AutoError extends false ? T | undefined : T;

/** Adds `description` to a Security Scheme Object when one is given. */
export function withDescription(definition: Record<string, unknown>, description: string | undefined): Record<string, unknown> {
  return description === undefined ? definition : { ...definition, description };
}
