/**
 * The file piscina starts in every pool thread. It has no static imports on purpose: piscina may
 * load it with `require()`, which under tsx makes a CommonJS copy of whatever it imports, while
 * the app module a worker imports uses the ES module copies. Loading the runtime with `import()`
 * keeps one copy of loopwise per thread, so `instanceof HTTPException` and the registry agree.
 */
type HandleCall = (call: never) => Promise<unknown>;

let handleCall: HandleCall | undefined;
let loading: Promise<HandleCall> | undefined;

export default function runOnThread(call: never): Promise<unknown> {
  if (handleCall !== undefined) return handleCall(call);
  loading ??= import("./worker-runtime.js").then((runtime) => (handleCall = runtime.handleCall as HandleCall));
  return loading.then((handle) => handle(call));
}
