/** Content codings loopwise can produce. */
export type Coding = "br" | "gzip";

/**
 * Picks the coding to use from an `Accept-Encoding` header (RFC 9110 §12.5.3): the highest
 * q-value among `supported`, `*` standing for codings not named, q=0 meaning "not this one";
 * ties go to the earlier entry of `supported`. Undefined when nothing acceptable is supported.
 *
 * @example
 * negotiateCoding("gzip;q=1.0, br;q=0.5", ["br", "gzip"]) // "gzip"
 * negotiateCoding("br, gzip", ["br", "gzip"])             // "br"
 */
export function negotiateCoding(header: string | string[] | undefined, supported: readonly Coding[]): Coding | undefined {
  if (typeof header !== "string" || header.trim() === "") return undefined;
  const weights = new Map<string, number>();
  for (const entry of header.split(",")) {
    const [name = "", ...params] = entry.split(";");
    const coding = name.trim().toLowerCase();
    if (coding === "") continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=").map((s) => s.trim());
      if (key?.toLowerCase() === "q") {
        q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value ?? "") ? Number(value) : 0;
      }
    }
    // Repeated codings: the most restrictive wins.
    weights.set(coding, Math.min(q, weights.get(coding) ?? 1));
  }
  let best: Coding | undefined;
  let bestQ = 0;
  for (const coding of supported) {
    const q = weights.get(coding) ?? weights.get("*") ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}
