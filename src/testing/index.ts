/** Testing helpers: `import { TestClient } from "loopwise/testing"`. */
export { TestClient, type TestClientOptions, type TestRequestOptions } from "./test-client.js";
export { TestResponse } from "./test-response.js";
