// The floor: node:http with no framework. The body is validated by hand, as someone writing a
// raw server would, and answered with the same status codes and shapes as the framework servers.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { announce, requestedPort } from "./announce.js";

const BODY_LIMIT_BYTES = 1024 * 1024;

interface Item {
  name: string;
  price: number;
  tags: string[];
}

interface Problem {
  loc: (string | number)[];
  msg: string;
}

function validateItem(value: unknown): { item: Item } | { problems: Problem[] } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { problems: [{ loc: ["body"], msg: "Input should be a valid object" }] };
  }
  const record = value as Record<string, unknown>;
  const problems: Problem[] = [];
  if (typeof record.name !== "string") problems.push({ loc: ["body", "name"], msg: "Input should be a valid string" });
  if (typeof record.price !== "number") problems.push({ loc: ["body", "price"], msg: "Input should be a valid number" });
  if (!Array.isArray(record.tags)) {
    problems.push({ loc: ["body", "tags"], msg: "Input should be a valid list" });
  } else {
    record.tags.forEach((tag, index) => {
      if (typeof tag !== "string") problems.push({ loc: ["body", "tags", index], msg: "Input should be a valid string" });
    });
  }
  if (problems.length > 0) return { problems };
  // A new object, so unknown keys are dropped as the response schemas of the others drop them.
  return { item: { name: record.name as string, price: record.price as number, tags: record.tags as string[] } };
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const payload = JSON.stringify(value);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
  });
  response.end(payload);
}

function readBody(request: IncomingMessage, onBody: (text: string) => void, onTooLarge: () => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  request.on("data", (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) {
      tooLarge = true;
      onTooLarge();
      return;
    }
    chunks.push(chunk);
  });
  request.on("end", () => {
    if (!tooLarge) onBody(Buffer.concat(chunks).toString("utf8"));
  });
}

function postItem(request: IncomingMessage, response: ServerResponse): void {
  if (!(request.headers["content-type"] ?? "").startsWith("application/json")) {
    sendJson(response, 415, { detail: "Content-Type must be application/json" });
    request.resume();
    return;
  }
  readBody(
    request,
    (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        sendJson(response, 422, { detail: [{ loc: ["body"], msg: "JSON decode error" }] });
        return;
      }
      const outcome = validateItem(parsed);
      if ("problems" in outcome) sendJson(response, 422, { detail: outcome.problems });
      else sendJson(response, 200, outcome.item);
    },
    () => {
      response.setHeader("connection", "close");
      sendJson(response, 413, { detail: "Request body too large" });
    },
  );
}

const server = createServer((request, response) => {
  if (request.url === "/" && request.method === "GET") {
    sendJson(response, 200, { message: "Hello World" });
  } else if (request.url === "/items" && request.method === "POST") {
    postItem(request, response);
  } else {
    sendJson(response, 404, { detail: "Not Found" });
    request.resume();
  }
});

server.listen(requestedPort(), "127.0.0.1", () => announce(server));
