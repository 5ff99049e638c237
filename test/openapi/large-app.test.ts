import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import {
  App,
  apiKeyCookie,
  apiKeyHeader,
  apiKeyQuery,
  depends,
  httpBasic,
  httpBearer,
  oauth2PasswordBearer,
  oauth2PasswordRequestForm,
  Router,
  security,
} from "loopwise";
import { createApp as crudAuthApp } from "../../examples/crud-auth/app.js";
import { assertValidOpenAPI } from "./assert-valid.js";

/** Many of the shapes zod can express, named and anonymous, as bodies and responses. */
const Address = z.object({ street: z.string(), city: z.string(), zip: z.string().regex(/^\d{5}$/) }).meta({ id: "Address" });
const Pet = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cat"), meows: z.boolean() }),
  z.object({ kind: z.literal("dog"), barks: z.number().int().nonnegative() }),
]).meta({ id: "Pet" });
type Category = { name: string; children: Category[] };
const CategorySchema: z.ZodType<Category> = z.lazy(() => z.object({ name: z.string(), children: z.array(CategorySchema) })).meta({ id: "Category" });
const Person = z
  .object({
    id: z.uuid(),
    email: z.email(),
    website: z.url().nullable(),
    born: z.iso.date(),
    updated: z.iso.datetime(),
    address: Address.optional(),
    pets: z.array(Pet).default([]),
    tags: z.set(z.string()).optional(),
    scores: z.record(z.string(), z.number()),
    point: z.tuple([z.number(), z.number()]),
    role: z.enum(["admin", "user"]).default("user"),
    level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    nickname: z.string().min(1).max(20).nullable().optional(),
    createdAt: z.date().optional(),
  })
  .meta({ id: "Person", examples: [{ id: "7f0b9f2c-4f7e-4c36-9a53-5b0f4f0b1a2e", email: "a@example.com" }] });
const Page = z.object({ items: z.array(Person), total: z.number().int() });
const Problem = z.object({ detail: z.string() }).meta({ id: "Problem" });

function largeApp(): App {
  const oauth2 = oauth2PasswordBearer({ tokenUrl: "/auth/token", scopes: { read: "Read", write: "Write", admin: "Administer" } });
  const user = depends({ deps: { token: oauth2 } }, ({ deps }) => deps.token);
  const pagination = depends({ query: { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(50) } }, ({ query }) => query);
  const tenant = depends({ headers: { x_tenant_id: z.string().describe("The tenant the request is for") } }, ({ headers }) => headers.x_tenant_id);
  const locale = depends({ cookies: { locale: z.enum(["en", "fr", "de"]).default("en") } }, ({ cookies }) => cookies.locale);

  const app = new App({
    logger: false,
    title: "Large",
    version: "2.3.4",
    description: "A large app: every feature of the OpenAPI export at once.",
    servers: [{ url: "https://api.example.com/v2", description: "Production" }, { url: "http://localhost:8000" }],
    openapiTags: [{ name: "people", description: "People." }, { name: "admin" }],
    contact: { name: "API team", email: "api@example.com" },
    license: { name: "MIT", identifier: "MIT" },
    dependencies: [tenant],
  });

  const auth = new Router({ prefix: "/auth", tags: ["auth"] });
  auth.post("/token", { deps: { form: oauth2PasswordRequestForm } }, function issueToken() {
    return { access_token: "x", token_type: "bearer" };
  });
  app.include(auth);

  const people = new Router({ prefix: "/people", tags: ["people"], responses: { 404: { description: "No such person", schema: Problem } }, dependencies: [locale] });
  people.get("/", { deps: { page: pagination, user: security(user, { scopes: ["read"] }) }, query: { q: z.string().optional(), sort: z.array(z.enum(["name", "-name", "born"])).default([]) }, response: Page }, function listPeople() {
    return { items: [], total: 0 };
  });
  people.post("/", { body: Person, status: 201, response: Person, deps: { user: security(user, { scopes: ["write"] }) } }, function createPerson({ body }) {
    return body;
  });
  people.get("/{person_id}", { path: { person_id: z.uuid() }, response: Person }, function readPerson() {
    return undefined as never;
  });
  people.patch("/{person_id}", { path: { person_id: z.uuid() }, body: Person.partial(), response: Person }, function updatePerson() {
    return undefined as never;
  });
  people.delete("/{person_id}", { path: { person_id: z.uuid() }, status: 204, deps: { user: security(user, { scopes: ["write", "admin"] }) } }, function deletePerson() {
    return null;
  });
  people.put("/{person_id}/pets/{index}", { path: { person_id: z.uuid(), index: z.number().int().min(0) }, body: Pet, response: Pet }, function replacePet({ body }) {
    return body;
  });
  app.include(people);

  const admin = new Router({ prefix: "/admin", tags: ["admin"], dependencies: [httpBasic({ realm: "admin" })], deprecated: true });
  admin.get("/stats", { query: { since: z.iso.datetime().optional(), verbose: z.boolean().default(false) } }, function stats() {
    return {};
  });
  admin.post("/categories", { body: CategorySchema, response: CategorySchema }, function addCategory({ body }) {
    return body;
  });
  admin.get("/hidden", { includeInSchema: false }, () => 1);
  const v1 = new Router({ prefix: "/v1" });
  v1.include(admin);
  app.include(v1, { prefix: "/api" });

  const keys = new Router({ prefix: "/keys", tags: ["keys"] });
  keys.get("/header", { deps: { k: apiKeyHeader({ name: "X-API-Key" }) } }, () => 1);
  keys.get("/query", { deps: { k: apiKeyQuery({ name: "api_key", description: "Key in the query" }) } }, () => 1);
  keys.get("/cookie", { deps: { k: apiKeyCookie({ name: "key" }) } }, () => 1);
  keys.get("/bearer", { deps: { k: httpBearer({ bearerFormat: "JWT" }) } }, () => 1);
  app.include(keys);

  for (let i = 0; i < 40; i++) {
    app.get(`/generated/${i}/{id}`, { path: { id: z.number().int() }, query: { [`q${i}`]: z.string().optional() }, responses: { default: { schema: Problem } } }, () => i);
  }
  app.post("/upload-form", { form: { title: z.string(), count: z.number().int().default(1), flags: z.array(z.string()).default([]) } }, function uploadForm() {
    return 1;
  });
  app.get("/files/{file_path:path}", () => 1);
  app.options("/anything", () => 1);
  app.head("/anything", () => null);
  return app;
}

describe("OpenAPI: documents checked by a real validator", () => {
  it("a large app with every feature at once", async () => {
    const app = largeApp();
    const document = app.openapi();
    await assertValidOpenAPI(document);
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    // auth 1, people 6, admin 2, keys 4, generated 40, form 1, files 1, /anything 2
    assert.equal(operations.length, 57);
    assert.equal(new Set(operations.map((operation) => operation.operationId)).size, operations.length);
    assert.deepEqual(Object.keys(document.components?.securitySchemes ?? {}).sort(), [
      "APIKeyCookie",
      "APIKeyHeader",
      "APIKeyQuery",
      "HTTPBasic",
      "HTTPBearer",
      "OAuth2PasswordBearer",
    ]);
    assert.deepEqual(document.paths["/people/{person_id}"]!["delete"]!.security, [{ OAuth2PasswordBearer: ["write", "admin"] }]);
    assert.equal(document.paths["/api/v1/admin/stats"]!["get"]!.deprecated, true);
    assert.equal(document.paths["/api/v1/admin/hidden"], undefined);
    const schemas = Object.keys(document.components?.schemas ?? {});
    for (const name of ["Address", "Pet", "Category", "Person-Input", "Person-Output", "Problem", "HTTPValidationError", "ValidationError"]) {
      assert.ok(schemas.includes(name), `${name} in ${schemas.join(", ")}`);
    }
  });

  it("the authenticated CRUD example", async () => {
    await assertValidOpenAPI(crudAuthApp({ logger: false }).openapi());
  });

  it("the validator is not a rubber stamp: it refuses a broken document", async () => {
    const document = structuredClone(largeApp().openapi()) as unknown as Record<string, any>;
    delete document["paths"]["/people/{person_id}"]["get"]["parameters"];
    await assert.rejects(assertValidOpenAPI(document));
  });
});
