import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { validate } from "@readme/openapi-parser";
import { z } from "zod";
import { App, depends, Router, uploadFile, uploadFiles } from "loopwise";
import { assertValidOpenAPI } from "./assert-valid.js";

const VALIDATION_ERROR_RESPONSE = {
  description: "Validation Error",
  content: { "application/json": { schema: { $ref: "#/components/schemas/HTTPValidationError" } } },
};

// FastAPI's components for the 422 body, as its current release writes them.
const FASTAPI_422_SCHEMAS = {
  HTTPValidationError: {
    properties: { detail: { items: { $ref: "#/components/schemas/ValidationError" }, type: "array", title: "Detail" } },
    type: "object",
    title: "HTTPValidationError",
  },
  ValidationError: {
    properties: {
      loc: { items: { anyOf: [{ type: "string" }, { type: "integer" }] }, type: "array", title: "Location" },
      msg: { type: "string", title: "Message" },
      type: { type: "string", title: "Error Type" },
      input: { title: "Input" },
      ctx: { type: "object", title: "Context" },
    },
    type: "object",
    required: ["loc", "msg", "type"],
    title: "ValidationError",
  },
};

function newApp(options: ConstructorParameters<typeof App>[0] = {}) {
  return new App({ logger: false, ...options });
}

describe("OpenAPI 3.1 document: FastAPI's shape", () => {
  it("the first-steps app: operationId, summary, parameters, 200 and 422, components", async () => {
    const app = newApp({ title: "FastAPI", version: "0.1.0" });
    app.get("/", async function root() {
      return { message: "Hello World" };
    });
    app.get("/items/{item_id}", { path: { item_id: z.number().int() }, query: { q: z.string().nullable().optional() } }, function read_item({ path, query }) {
      return { item_id: path.item_id, q: query.q };
    });
    const document = app.openapi();
    assert.deepEqual(document, {
      openapi: "3.1.0",
      info: { title: "FastAPI", version: "0.1.0" },
      paths: {
        "/": {
          get: {
            summary: "Root",
            operationId: "root__get",
            responses: { "200": { description: "Successful Response", content: { "application/json": { schema: {} } } } },
          },
        },
        "/items/{item_id}": {
          get: {
            summary: "Read Item",
            operationId: "read_item_items__item_id__get",
            parameters: [
              { name: "item_id", in: "path", required: true, schema: { type: "integer", minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER } },
              { name: "q", in: "query", required: false, schema: { type: ["string", "null"] } },
            ],
            responses: {
              "200": { description: "Successful Response", content: { "application/json": { schema: {} } } },
              "422": VALIDATION_ERROR_RESPONSE,
            },
          },
        },
      },
      components: { schemas: FASTAPI_422_SCHEMAS },
    });
    await assertValidOpenAPI(document);
  });

  it("operationIds and summaries follow generate_unique_id, for named, camelCase and anonymous handlers", async () => {
    const app = newApp();
    app.get("/users/{user_id}/items/{item_id:path}", async function readUserItem() {
      return 1;
    });
    app.post("/items/", () => 1);
    app.put("/", () => 1);
    app.delete("/items/{id}", { operationId: "removeItem", summary: "Delete an item", description: "Gone for **good**.", tags: ["items"], deprecated: true }, () => null);
    const paths = app.openapi().paths;
    assert.deepEqual(Object.keys(paths), ["/users/{user_id}/items/{item_id}", "/items/", "/", "/items/{id}"]);
    assert.equal(paths["/users/{user_id}/items/{item_id}"]!["get"]!.operationId, "readUserItem_users__user_id__items__item_id__get");
    assert.equal(paths["/users/{user_id}/items/{item_id}"]!["get"]!.summary, "Read User Item");
    assert.equal(paths["/items/"]!["post"]!.operationId, "post_items_items__post");
    assert.equal(paths["/items/"]!["post"]!.summary, "Post Items");
    assert.equal(paths["/"]!["put"]!.operationId, "put_root__put");
    const deleted = paths["/items/{id}"]!["delete"]!;
    assert.deepEqual(
      { tags: deleted.tags, summary: deleted.summary, description: deleted.description, operationId: deleted.operationId, deprecated: deleted.deprecated },
      { tags: ["items"], summary: "Delete an item", description: "Gone for **good**.", operationId: "removeItem", deprecated: true },
    );
    assert.deepEqual(Object.keys(deleted), ["tags", "summary", "description", "operationId", "deprecated", "parameters", "responses"]);
    await assertValidOpenAPI(app.openapi());
  });

  it("info, servers and tags come from the app's options", async () => {
    const app = newApp({
      title: "ChimichangApp",
      summary: "Deadpool's favorite app. Nuff said.",
      description: "ChimichangApp API helps you do awesome stuff. 🚀",
      version: "0.0.1",
      termsOfService: "http://example.com/terms/",
      contact: { name: "Deadpoolio the Amazing", url: "http://x-force.example.com/contact/", email: "dp@x-force.example.com" },
      license: { name: "Apache 2.0", identifier: "Apache-2.0" },
      servers: [{ url: "https://stag.example.com", description: "Staging environment" }],
      openapiTags: [{ name: "users", description: "Operations with users." }, { name: "items", description: "Manage items.", externalDocs: { url: "https://example.com/" } }],
    });
    app.get("/users/", { tags: ["users"] }, () => []);
    const document = app.openapi();
    assert.deepEqual(document.info, {
      title: "ChimichangApp",
      summary: "Deadpool's favorite app. Nuff said.",
      description: "ChimichangApp API helps you do awesome stuff. 🚀",
      termsOfService: "http://example.com/terms/",
      contact: { name: "Deadpoolio the Amazing", url: "http://x-force.example.com/contact/", email: "dp@x-force.example.com" },
      license: { name: "Apache 2.0", identifier: "Apache-2.0" },
      version: "0.0.1",
    });
    assert.deepEqual(document.servers, [{ url: "https://stag.example.com", description: "Staging environment" }]);
    assert.deepEqual(document.tags?.map((tag) => tag.name), ["users", "items"]);
    assert.deepEqual(Object.keys(document), ["openapi", "info", "servers", "paths", "tags"]);
    await assertValidOpenAPI(document);
  });

  it("headers are named as sent, cookies and catch-all paths are documented, undeclared path params are strings", async () => {
    const app = newApp();
    app.get("/files/{file_path:path}", { headers: { x_token: z.string(), user_agent: z.string().optional() }, cookies: { ads_id: z.string().optional() } }, () => 1);
    const parameters = app.openapi().paths["/files/{file_path}"]!["get"]!.parameters!;
    assert.deepEqual(
      parameters.map((p) => [p.in, p.name, p.required, p.schema]),
      [
        ["path", "file_path", true, { type: "string" }],
        ["header", "x-token", true, { type: "string" }],
        ["header", "user-agent", false, { type: "string" }],
        ["cookie", "ads_id", false, { type: "string" }],
      ],
    );
    await assertValidOpenAPI(app.openapi());
  });

  it("descriptions, deprecation, constraints and examples of parameters are carried over", async () => {
    const app = newApp();
    app.get("/items/", {
      query: {
        q: z.string().min(3).max(50).regex(/^fixedquery$/).describe("Query string for the items to search").meta({ examples: ["fixedquery"], deprecated: true }),
        size: z.number().gt(0).lte(10.5).default(1),
      },
    }, () => 1);
    const [q, size] = app.openapi().paths["/items/"]!["get"]!.parameters!;
    assert.equal(q!.description, "Query string for the items to search");
    assert.equal(q!.deprecated, true);
    assert.deepEqual(q!.schema, {
      type: "string",
      minLength: 3,
      maxLength: 50,
      pattern: "^fixedquery$",
      description: "Query string for the items to search",
      examples: ["fixedquery"],
      deprecated: true,
    });
    assert.deepEqual(size!.schema, { type: "number", exclusiveMinimum: 0, maximum: 10.5, default: 1 });
    assert.equal(size!.required, false);
    await assertValidOpenAPI(app.openapi());
  });

  it("request bodies and response schemas; statuses without a body have no content", async () => {
    const app = newApp();
    const Item = z.object({ name: z.string(), description: z.string().nullable().optional(), price: z.number(), tax: z.number().nullable().optional() });
    app.post("/items/", { body: Item, response: Item, status: 201 }, function create_item({ body }) {
      return body;
    });
    app.delete("/items/{id}", { status: 204 }, () => null);
    app.put("/optional", { body: Item.optional() }, () => 1);
    const paths = app.openapi().paths;
    const create = paths["/items/"]!["post"]!;
    assert.deepEqual(create.requestBody, { required: true, content: { "application/json": { schema: toInput(Item) } } });
    assert.deepEqual(Object.keys(create.responses), ["201", "422"]);
    assert.deepEqual(create.responses["201"]!.content!["application/json"]!.schema.properties, toInput(Item).properties);
    assert.deepEqual(paths["/items/{id}"]!["delete"]!.responses["204"], { description: "Successful Response" });
    assert.equal(paths["/optional"]!["put"]!.requestBody!.required, undefined);
    await assertValidOpenAPI(app.openapi());
  });

  it("extra responses: declared descriptions and schemas, status text by default, no 422 when a 4XX or default is declared", async () => {
    const app = newApp();
    const Message = z.object({ message: z.string() });
    app.get("/items/{item_id}", {
      responses: { 404: { schema: Message }, 302: { description: "The item was moved" }, 200: { description: "Item requested by ID" } },
    }, () => 1);
    app.get("/other/{x}", { responses: { "4XX": { description: "Client errors" }, default: { schema: Message } } }, () => 1);
    const paths = app.openapi().paths;
    const responses = paths["/items/{item_id}"]!["get"]!.responses;
    assert.deepEqual(Object.keys(responses), ["200", "302", "404", "422"]);
    assert.equal(responses["200"]!.description, "Item requested by ID");
    assert.deepEqual(responses["200"]!.content, { "application/json": { schema: {} } });
    assert.deepEqual(responses["404"], { description: "Not Found", content: { "application/json": { schema: toOutput(Message) } } });
    assert.equal(responses["302"]!.description, "The item was moved");
    const other = paths["/other/{x}"]!["get"]!.responses;
    assert.deepEqual(Object.keys(other), ["200", "4XX", "default"]);
    assert.equal(other["default"]!.description, "Default Response");
    await assertValidOpenAPI(app.openapi());
  });

  it("nullable the 3.1 way: type lists and anyOf with null, never `nullable`", async () => {
    const app = newApp();
    const Owner = z.object({ name: z.string() });
    app.post("/x", { body: z.object({ a: z.string().nullable(), b: Owner.nullable(), c: z.array(z.number().nullable()), d: z.enum(["x", "y"]).nullable() }) }, () => 1);
    const document = app.openapi();
    const schema = document.paths["/x"]!["post"]!.requestBody!.content["application/json"]!.schema as { properties: Record<string, unknown> };
    assert.deepEqual(schema.properties["a"], { type: ["string", "null"] });
    assert.deepEqual(schema.properties["b"], { anyOf: [toInput(Owner), { type: "null" }] });
    assert.deepEqual(schema.properties["c"], { type: "array", items: { type: ["number", "null"] } });
    assert.deepEqual(schema.properties["d"], { anyOf: [{ type: "string", enum: ["x", "y"] }, { type: "null" }] });
    assert.ok(!JSON.stringify(document).includes('"nullable"'));
    await assertValidOpenAPI(document);
  });

  it("route dependencies add their parameters (a required declaration wins) and trigger the 422", async () => {
    const app = newApp();
    const optionalQ = depends({ query: { q: z.string().optional(), skip: z.number().int().default(0) } }, ({ query }) => query);
    const requiredQ = depends({ query: { q: z.string() }, headers: { x_token: z.string() } }, ({ query }) => query.q);
    app.get("/items/", { query: { own: z.string().optional() }, deps: { a: optionalQ, b: requiredQ } }, () => 1);
    app.get("/dep-only", { dependencies: [requiredQ] }, () => 1);
    const paths = app.openapi().paths;
    assert.deepEqual(
      paths["/items/"]!["get"]!.parameters!.map((p) => [p.in, p.name, p.required]),
      [
        ["query", "own", false],
        ["query", "q", true],
        ["query", "skip", false],
        ["header", "x-token", true],
      ],
    );
    assert.deepEqual(paths["/dep-only"]!["get"]!.responses["422"], VALIDATION_ERROR_RESPONSE);
    await assertValidOpenAPI(app.openapi());
  });

  it("form bodies become a Body_<operationId> component, urlencoded", async () => {
    const app = newApp();
    app.post("/login/", { form: { username: z.string(), password: z.string() } }, function login() {
      return 1;
    });
    const document = app.openapi();
    assert.deepEqual(document.paths["/login/"]!["post"]!.requestBody, {
      required: true,
      content: { "application/x-www-form-urlencoded": { schema: { $ref: "#/components/schemas/Body_login_login__post" } } },
    });
    assert.deepEqual(document.components!.schemas!["Body_login_login__post"], {
      properties: { username: { type: "string" }, password: { type: "string" } },
      type: "object",
      required: ["username", "password"],
      title: "Body_login_login__post",
    });
    await assertValidOpenAPI(document);
  });

  it("uploaded files make a multipart/form-data body, files as binary strings (FastAPI's UploadFile)", async () => {
    const app = newApp();
    app.post("/uploadfiles/", { form: { note: z.string().optional() }, files: { files: uploadFiles({ description: "Many files" }), cover: uploadFile({ optional: true }) } }, function create_upload_files() {
      return 1;
    });
    const document = app.openapi();
    assert.deepEqual(document.paths["/uploadfiles/"]!["post"]!.requestBody, {
      required: true,
      content: { "multipart/form-data": { schema: { $ref: "#/components/schemas/Body_create_upload_files_uploadfiles__post" } } },
    });
    assert.deepEqual(document.components!.schemas!["Body_create_upload_files_uploadfiles__post"], {
      properties: {
        note: { type: "string" },
        files: { type: "array", items: { type: "string", format: "binary" }, description: "Many files" },
        cover: { type: "string", format: "binary" },
      },
      type: "object",
      required: ["files"],
      title: "Body_create_upload_files_uploadfiles__post",
    });
    await assertValidOpenAPI(document);
  });

  it("routes with includeInSchema: false are left out; HEAD of a GET route is not listed twice", async () => {
    const app = newApp();
    app.get("/hidden", { includeInSchema: false }, () => 1);
    app.get("/shown", () => 1);
    app.head("/head-only", () => null);
    assert.deepEqual(Object.keys(app.openapi().paths), ["/shown", "/head-only"]);
    assert.deepEqual(Object.keys(app.openapi().paths["/head-only"]!), ["head"]);
    await assertValidOpenAPI(app.openapi());
  });

  it("two operations with one operationId: a warning, like FastAPI, and the validator refuses such a document", async () => {
    const warnings: string[] = [];
    const app = new App({ logger: { level: "warn", hooks: { logMethod: (args: unknown[]) => void warnings.push(String(args.at(-1))) } } as never });
    app.get("/a", { operationId: "same" }, () => 1);
    app.get("/b", { operationId: "same" }, () => 1);
    const document = app.openapi();
    assert.ok(warnings.some((w) => w.includes("Duplicate OpenAPI operationId same")), warnings.join("\n"));
    const result = await validate(structuredClone(document) as never);
    assert.equal(result.valid, false);
  });
});

describe("OpenAPI document: named schemas and $ref", () => {
  it("schemas named with .meta({ id }) go to components once and are referenced; nested names too", async () => {
    const Image = z.object({ url: z.url(), name: z.string() }).meta({ id: "Image" });
    const Offer = z.object({ name: z.string(), images: z.array(Image).optional() }).meta({ id: "Offer", description: "An offer", examples: [{ name: "Foo" }] });
    const app = newApp();
    app.post("/offers/", { body: Offer }, () => 1);
    app.post("/images/multiple/", { body: z.array(Image) }, () => 1);
    const document = app.openapi();
    assert.deepEqual(document.paths["/offers/"]!["post"]!.requestBody!.content["application/json"]!.schema, { $ref: "#/components/schemas/Offer" });
    assert.deepEqual(document.paths["/images/multiple/"]!["post"]!.requestBody!.content["application/json"]!.schema, {
      type: "array",
      items: { $ref: "#/components/schemas/Image" },
    });
    assert.deepEqual(Object.keys(document.components!.schemas!), ["HTTPValidationError", "Image", "Offer", "ValidationError"]);
    assert.deepEqual(document.components!.schemas!["Offer"], {
      type: "object",
      properties: { name: { type: "string" }, images: { type: "array", items: { $ref: "#/components/schemas/Image" } } },
      required: ["name"],
      description: "An offer",
      examples: [{ name: "Foo" }],
      title: "Offer",
    });
    await assertValidOpenAPI(document);
  });

  it("a named schema whose request and response forms differ becomes Name-Input and Name-Output, as in FastAPI", async () => {
    const Item = z.object({ name: z.string(), tags: z.array(z.string()).default([]) }).meta({ id: "Item" });
    const Plain = z.object({ name: z.string() }).meta({ id: "Plain" });
    const app = newApp();
    app.post("/items/", { body: Item, response: Item }, () => ({ name: "x" }));
    app.post("/plain/", { body: Plain, response: Plain }, () => ({ name: "x" }));
    const document = app.openapi();
    const schemas = document.components!.schemas!;
    assert.deepEqual(Object.keys(schemas), ["HTTPValidationError", "Item-Input", "Item-Output", "Plain", "ValidationError"]);
    assert.deepEqual(schemas["Item-Input"]!.required, ["name"]);
    assert.deepEqual(schemas["Item-Output"]!.required, ["name", "tags"]);
    assert.equal(schemas["Item-Output"]!.title, "Item");
    const create = document.paths["/items/"]!["post"]!;
    assert.deepEqual(create.requestBody!.content["application/json"]!.schema, { $ref: "#/components/schemas/Item-Input" });
    assert.deepEqual(create.responses["200"]!.content!["application/json"]!.schema, { $ref: "#/components/schemas/Item-Output" });
    await assertValidOpenAPI(document);
  });

  it("recursive schemas: named ones refer to their component, anonymous ones are named after their use", async () => {
    type Tree = { name: string; children: Tree[] };
    const Named: z.ZodType<Tree> = z.lazy(() => z.object({ name: z.string(), children: z.array(Named) })).meta({ id: "Category" });
    const Anonymous: z.ZodType<Tree> = z.object({ name: z.string(), get children() {
      return z.array(Anonymous);
    } });
    const app = newApp();
    app.post("/categories", { body: Named }, () => 1);
    app.post("/trees", { body: Anonymous }, function plant() {
      return 1;
    });
    const document = app.openapi();
    const category = document.components!.schemas!["Category"]!;
    assert.deepEqual(category.properties?.["children"], { type: "array", items: { $ref: "#/components/schemas/Category" } });
    assert.deepEqual(document.paths["/trees"]!["post"]!.requestBody!.content["application/json"]!.schema, { $ref: "#/components/schemas/Body_plant_trees_post" });
    assert.deepEqual(document.components!.schemas!["Body_plant_trees_post"]!.properties?.["children"], {
      type: "array",
      items: { $ref: "#/components/schemas/Body_plant_trees_post" },
    });
    assert.ok(!JSON.stringify(document).includes('"#"'));
    await assertValidOpenAPI(document);
  });
});

describe("OpenAPI document: caching", () => {
  it("is built once, and rebuilt when a route or a router is added", () => {
    const app = newApp();
    app.get("/a", () => 1);
    const first = app.openapi();
    assert.equal(app.openapi(), first);
    app.get("/b", () => 1);
    const second = app.openapi();
    assert.notEqual(second, first);
    assert.deepEqual(Object.keys(second.paths), ["/a", "/b"]);
    const router = new Router({ prefix: "/r" });
    router.get("/c", () => 1);
    app.include(router);
    assert.deepEqual(Object.keys(app.openapi().paths), ["/a", "/b", "/r/c"]);
  });

  it("changes made to the document stay until it is rebuilt", () => {
    const app = newApp();
    app.get("/a", () => 1);
    app.openapi()["x-logo"] = { url: "/logo.png" };
    assert.deepEqual(app.openapi()["x-logo"], { url: "/logo.png" });
  });
});

function toInput(schema: z.ZodType) {
  return strip(z.toJSONSchema(schema, { io: "input" }));
}

function toOutput(schema: z.ZodType) {
  const { additionalProperties: _closed, ...rest } = strip(z.toJSONSchema(schema, { io: "output" })) as Record<string, unknown>;
  return rest;
}

function strip(schema: Record<string, unknown>) {
  const { $schema: _dialect, ...rest } = schema;
  return rest as { properties?: Record<string, unknown> } & Record<string, unknown>;
}
