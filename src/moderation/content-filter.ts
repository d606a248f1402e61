// The sensitive-word policy applied on the server to both sides' messages: "mask"
// replaces each listed word with asterisks, "block" refuses the message
// (CONTENT_BLOCKED). Rebuilt only when the admin changes the list.
import { buildMatcher } from "./aho-corasick.js";

export type FilterPolicy = "mask" | "block";
export interface FilterSettings {
  words: string[];
  policy: FilterPolicy;
}

export interface ContentFilter {
  /** The text to store (masked if needed), or null when the message must be refused. */
  apply(text: string): string | null;
  update(s: FilterSettings): void;
  settings(): FilterSettings;
}

export function createContentFilter(initial: FilterSettings = { words: [], policy: "mask" }): ContentFilter {
  let current: FilterSettings = { words: [], policy: "mask" };
  let find = buildMatcher([]);
  const filter: ContentFilter = {
    apply(text) {
      if (!current.words.length) return text;
      const matches = find(text);
      if (!matches.length) return text;
      if (current.policy === "block") return null;
      const chars = [...text];
      for (const m of matches) for (let i = m.start; i < m.end; i++) chars[i] = "*";
      return chars.join("");
    },
    update(s) {
      current = { words: [...new Set(s.words.map((w) => w.trim()).filter(Boolean))], policy: s.policy };
      find = buildMatcher(current.words);
    },
    settings: () => current,
  };
  filter.update(initial); // the same cleaning for the initial list as for every later one
  return filter;
}
