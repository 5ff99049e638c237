/** Testing helpers: `import { TestClient } from "loopwise/testing"`. */
export { TestClient, type TestClientOptions, type TestRequestOptions, type TestWebSocketOptions } from "./test-client.js";
export { TestResponse } from "./test-response.js";
export { TestWebSocket, WebSocketDenied } from "./test-websocket.js";
export { encodeMultipart, type TestFile } from "./multipart-body.js";
