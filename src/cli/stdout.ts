import process from "node:process";
/** Writes to stdout and resolves once the bytes are handed over, so an exit right after loses nothing. */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}
