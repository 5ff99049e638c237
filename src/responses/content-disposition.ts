// RFC 8187 attr-char: everything else in a filename* value is percent-encoded.
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/**
 * A `Content-Disposition` value for a download name. Control characters are dropped (they could
 * split the header); a name that is not plain ASCII gets an ASCII `filename` fallback and the exact
 * name in `filename*` (RFC 6266 / RFC 8187), which every current browser prefers.
 *
 * @example
 * contentDisposition("attachment", "report.pdf") // 'attachment; filename="report.pdf"'
 * contentDisposition("attachment", "résumé.pdf") // `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`
 */
export function contentDisposition(type: "attachment" | "inline", filename: string): string {
  const name = filename.replace(/[\u0000-\u001f\u007f]/g, "");
  const quoted = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;
  if (/^[\u0020-\u007e]*$/.test(name)) return `${type}; filename=${quoted(name)}`;
  const fallback = name.replace(/[^\u0020-\u007e]/g, "_");
  const encoded = Array.from(new TextEncoder().encode(name), (byte) => {
    const char = String.fromCharCode(byte);
    return byte < 0x80 && ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
  return `${type}; filename=${quoted(fallback)}; filename*=UTF-8''${encoded}`;
}
