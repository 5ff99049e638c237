import type { DependencyCore } from "./dependency.js";

const memo = new WeakMap<DependencyCore, boolean>();

/**
 * Whether a dependency's value may depend on the OAuth2 scopes asked of it: it is an OAuth2
 * scheme, or something below it is, or asks for scopes. Only such dependencies are cached per
 * set of scopes; a database session used under two different scopes is still created once.
 */
export function usesScopes(core: DependencyCore, visiting: Set<DependencyCore> = new Set()): boolean {
  const known = memo.get(core);
  if (known !== undefined) return known;
  if (visiting.has(core)) return false;
  visiting.add(core);
  let result = core.securityScheme?.takesScopes === true;
  for (const { dependency } of core.subDependencies) {
    if (result) break;
    result = dependency.scopes.length > 0 || usesScopes(dependency.core, visiting);
  }
  memo.set(core, result);
  return result;
}
