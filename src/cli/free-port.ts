import net from "node:net";

/**
 * A port that is free on `host` right now. Used where port 0 ("any") must become one fixed port
 * for several processes: cluster workers and their replacements, or dev's restarted app, all
 * listening on the same one.
 *
 * @example
 * const port = await freePort("127.0.0.1");
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
