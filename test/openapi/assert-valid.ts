import assert from "node:assert/strict";
import { compileErrors, validate } from "@readme/openapi-parser";

/**
 * Checks a document with a real OpenAPI 3.1 validator (@readme/openapi-parser: the 3.1 JSON
 * Schema of the specification, plus checks the schema cannot express such as duplicate
 * operationIds and undeclared path parameters). The validator dereferences what it is given, so
 * it gets a copy.
 */
export async function assertValidOpenAPI(document: object): Promise<void> {
  const result = await validate(structuredClone(document) as never);
  assert.ok(result.valid, result.valid ? "" : compileErrors(result));
  assert.equal(result.specification, "OpenAPI");
  assert.deepEqual(result.warnings, []);
}
