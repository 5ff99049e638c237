/**
 * What every `demo.ts` does first: run its example app in a child process (same Node and loader
 * flags), stop it when the demo exits, and wait until `/healthcheck` answers.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** Starts `appModule` on `port` and resolves with its base URL once it answers. */
export async function startDemoApp(
  appModule: string,
  port: string,
  env: Record<string, string> = {},
): Promise<{ server: ChildProcess; base: string }> {
  const server = spawn(process.execPath, [...process.execArgv, appModule], {
    env: { ...process.env, PORT: port, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  process.on("exit", () => server.kill("SIGTERM"));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${base}/healthcheck`);
      return { server, base };
    } catch {
      if (i > 100) throw new Error(`${appModule} did not start on ${base}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
