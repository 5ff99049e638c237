import type { ResponseCompiler } from "../schema/index.js";
import { ResponseValidationError } from "../errors/validation-error.js";
import { Response } from "./response.js";

/**
 * Streams an async iterable of values as JSON Lines (`application/jsonl`): one JSON document per
 * line, each validated against the route's `response` schema when it has one.
 */
export function jsonLinesResponse(items: AsyncIterable<unknown>, itemSchema: ResponseCompiler | undefined, label: string): Response {
  return new Response(encode(items, itemSchema, label), { mediaType: "application/jsonl" });
}

async function* encode(items: AsyncIterable<unknown>, itemSchema: ResponseCompiler | undefined, label: string): AsyncGenerator<string> {
  for await (const item of items) {
    if (itemSchema) {
      const checked = itemSchema.validate(item);
      if (!checked.ok) throw new ResponseValidationError(label, checked.issues);
      yield itemSchema.serialize(checked.value) + "\n";
    } else {
      yield (JSON.stringify(item) ?? "null") + "\n";
    }
  }
}
