// Aho-Corasick multi-pattern matcher: finds every listed word in one pass over the text,
// in time linear in the text (plus matches) whatever the size of the word list.
// Case-insensitive; pure, no I/O.

/** Lower-cases code point by code point, keeping one code point each: "İ" lower-cases to
 *  "i" plus a combining dot, which would shift every later position by one. */
const fold = (text: string) => [...text].map((ch) => [...ch.toLowerCase()][0]);

interface Node {
  next: Map<string, number>;
  fail: number;
  /** Lengths of the words ending here (own and inherited through fail links). */
  out: number[];
}

export interface Match {
  start: number;
  end: number; // exclusive
}

export function buildMatcher(words: string[]) {
  const nodes: Node[] = [{ next: new Map(), fail: 0, out: [] }];
  for (const raw of words) {
    const w = fold(raw);
    if (!w.length) continue;
    let cur = 0;
    for (const ch of w) {
      let nxt = nodes[cur].next.get(ch);
      if (nxt === undefined) {
        nxt = nodes.push({ next: new Map(), fail: 0, out: [] }) - 1;
        nodes[cur].next.set(ch, nxt);
      }
      cur = nxt;
    }
    nodes[cur].out.push(w.length);
  }
  // Breadth-first: fail links point to the longest proper suffix that is a prefix.
  const queue: number[] = [...nodes[0].next.values()];
  for (let qi = 0; qi < queue.length; qi++) {
    const u = queue[qi];
    for (const [ch, v] of nodes[u].next) {
      let f = nodes[u].fail;
      while (f && !nodes[f].next.has(ch)) f = nodes[f].fail;
      const cand = nodes[f].next.get(ch);
      nodes[v].fail = cand !== undefined && cand !== v ? cand : 0;
      nodes[v].out.push(...nodes[nodes[v].fail].out);
      queue.push(v);
    }
  }

  return function find(text: string): Match[] {
    const chars = fold(text);
    const found: Match[] = [];
    let cur = 0;
    chars.forEach((ch, i) => {
      while (cur && !nodes[cur].next.has(ch)) cur = nodes[cur].fail;
      cur = nodes[cur].next.get(ch) ?? 0;
      for (const len of nodes[cur].out) found.push({ start: i - len + 1, end: i + 1 });
    });
    return found;
  };
}
