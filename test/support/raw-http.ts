import net from "node:net";

/** Sends raw bytes to a server and collects everything it answers until it closes or `idleMs` passes. */
export function rawRequest(port: number, payload: string | Buffer, idleMs = 1500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, idleMs);
    };
    socket.on("connect", () => {
      socket.write(payload);
      arm();
    });
    socket.on("data", (d) => {
      chunks.push(d);
      arm();
    });
    socket.on("end", finish);
    socket.on("close", finish);
    socket.on("error", (e) => (chunks.length ? finish() : reject(e)));
  });
}
