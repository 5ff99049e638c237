// Reads a callgrind profile made with --dump-instr=yes and names its costs: native code by the
// function callgrind names, V8's generated code (JavaScript, builtins, regular expressions) by
// the perf map that node writes with --perf-basic-prof. Used by bench/micro/instructions.ts.

interface CodeRange {
  start: number;
  end: number;
  name: string;
  /** Line of the map: code space is reused, and the latest entry covering an address wins. */
  order: number;
}

/** How far back from an address to look for an older, larger entry that still covers it. */
const OVERLAP_SCAN = 400;

class PerfMap {
  readonly #ranges: CodeRange[] = [];
  readonly #cache = new Map<number, string | null>();

  constructor(text: string) {
    let order = 0;
    for (const line of text.split("\n")) {
      const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
      if (match === null) continue;
      const start = parseInt(match[1]!, 16);
      this.#ranges.push({ start, end: start + parseInt(match[2]!, 16), name: match[3]!, order: order++ });
    }
    this.#ranges.sort((a, b) => a.start - b.start);
  }

  nameOf(address: number): string | null {
    const cached = this.#cache.get(address);
    if (cached !== undefined) return cached;
    let low = 0;
    let high = this.#ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.#ranges[middle]!.start <= address) low = middle + 1;
      else high = middle - 1;
    }
    let best: CodeRange | undefined;
    for (let i = high; i >= 0 && i > high - OVERLAP_SCAN; i--) {
      const range = this.#ranges[i]!;
      if (address < range.end && (best === undefined || range.order > best.order)) best = range;
    }
    // Tier marks (`*` optimized, `+` Maglev, `^` baseline, `~` interpreted) and positions vary between runs.
    const name = best === undefined ? null : best.name.replace(/^JS:[*~+^']*/, "JS:").replace(/:\d+:\d+$/, "");
    this.#cache.set(address, name);
    return name;
  }
}

/**
 * Self instructions per request by function name. Lines of the profile: `fn=(id) name` starts a
 * function, `cfn=`/`calls=` introduce a call whose next cost line is the callee's inclusive cost
 * (skipped: it is counted as the callee's own), and cost lines are `<address> <line> <cost>`
 * with addresses absolute (`0x...`), relative (`+n`, `-n`) or repeated (`*`).
 */
export function selfCostByFunction(profile: string, perfMap: string, requests: number): Map<string, number> {
  const map = new PerfMap(perfMap);
  const names = new Map<string, string>();
  const costs = new Map<string, number>();
  let current = "?";
  let address = 0;
  let skipNext = false;
  for (const line of profile.split("\n")) {
    const named = /^(c?fn)=\((\d+)\)(?: (.*))?$/.exec(line);
    if (named !== null) {
      if (named[3] !== undefined) names.set(named[2]!, named[3]);
      if (named[1] === "fn") current = names.get(named[2]!) ?? "?";
      continue;
    }
    if (line.startsWith("calls=")) {
      skipNext = true;
      continue;
    }
    const first = line.charCodeAt(0);
    const isCost = (first >= 48 && first <= 57) || line[0] === "+" || line[0] === "-" || line[0] === "*";
    if (!isCost) continue;
    const fields = line.split(" ");
    const position = fields[0]!;
    if (position.startsWith("0x")) address = parseInt(position, 16);
    else if (position[0] === "+") address += Number(position.slice(1));
    else if (position[0] === "-") address -= Number(position.slice(1));
    else if (position !== "*") address = Number(position);
    if (skipNext) {
      skipNext = false;
      continue;
    }
    const cost = Number(fields[2] ?? 0);
    const name = map.nameOf(address) ?? current;
    costs.set(name, (costs.get(name) ?? 0) + cost);
  }
  for (const [name, cost] of costs) costs.set(name, cost / requests);
  return costs;
}
