import type { Infer, InferShape, Schema, Shape } from "../schema/types.js";

/**
 * The request parameters a route or a dependency declares, each validated by its schemas; their
 * errors are gathered into one 422. Both `RouteOptions` and `DependencyDeclaration` extend it.
 *
 * @example
 * const options = {
 *   path: { item_id: z.coerce.number().int() },
 *   query: { q: z.string().optional() },
 *   headers: { x_token: z.string() },
 * } satisfies ParameterOptions;
 */
export interface ParameterOptions {
  /** Path parameters; on a route, undeclared `{names}` of the path are strings. */
  path?: Shape;
  query?: Shape;
  /** Header names are matched case-insensitively; `x_token` and `xToken` read `x-token`. */
  headers?: Shape;
  cookies?: Shape;
  /**
   * A JSON body (`application/json`, `application/*+json`). A route and its dependencies read the
   * same body; each schema validates it whole.
   */
  body?: Schema;
  /** Fields of an `application/x-www-form-urlencoded` (or multipart) body. */
  form?: Shape;
}

/**
 * The validated values of the query, headers, cookies, body and form that `O` declares, as a
 * handler or a dependency function receives them (path values differ: a route's path also has
 * its undeclared `{names}`).
 *
 * @example
 * type Values = ParameterValues<{ query: { q: z.ZodOptional<z.ZodString> } }>;
 * // Values["query"] is { q?: string | undefined }
 */
export interface ParameterValues<O extends ParameterOptions> {
  query: InferShape<O["query"]>;
  headers: InferShape<O["headers"]>;
  cookies: InferShape<O["cookies"]>;
  body: O["body"] extends Schema ? Infer<O["body"]> : undefined;
  form: InferShape<O["form"]>;
}
