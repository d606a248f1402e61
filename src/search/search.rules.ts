// What a console search query asks the database for, and how a hit is shown: pure, no
// I/O (test/search/search.rules.test.ts). A query is up to a few words; each must be in
// the message (in any order), or one of them in the visitor's name or e-mail.

/** CJK ideographs and kana, as in the migration's search_cjk_grams (keep the two equal). */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const ALL_CJK = /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/u;
/** Words a query is cut to: each is an index condition. */
export const MAX_TERMS = 5;
/** Below this many letters a non-CJK word has no trigram: it would scan every message. */
export const MIN_TRIGRAM_LETTERS = 3;

export interface Term {
  /** The ILIKE pattern: %word% with %, _ and \ escaped. */
  pattern: string;
  /** For an all-CJK word: the characters (one) or adjacent pairs the message must hold. */
  grams: string[] | null;
}

export interface ParsedQuery {
  /** The words, as typed (lower-cased), for the highlight. */
  words: string[];
  /** How each word matches a visitor: anywhere in the name or e-mail (a word with a
   *  trigram), or, shorter, at the start of the name (王 for 王伟): a word without a
   *  trigram would read every visitor. */
  visitor: { pattern: string; prefix: boolean }[];
  /** The words a message is searched by; empty: only names and e-mails are searched. */
  terms: Term[];
}

export const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The CJK n-grams the index holds for a word: its one character, or its adjacent pairs. */
export function cjkGrams(word: string): string[] {
  const chars = [...word];
  if (chars.length === 1) return chars;
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) pairs.add(chars[i]! + chars[i + 1]!);
  return [...pairs];
}

export function parseQuery(q: string): ParsedQuery {
  const words = [...new Set(q.toLowerCase().split(/\s+/u).filter(Boolean))].slice(0, MAX_TERMS);
  const terms: Term[] = [];
  const visitor = words.map((w) =>
    [...w].length >= MIN_TRIGRAM_LETTERS ? { pattern: likePattern(w), prefix: false } : { pattern: `${likePattern(w).slice(1)}`, prefix: true });
  for (const w of words) {
    if (ALL_CJK.test(w)) terms.push({ pattern: likePattern(w), grams: cjkGrams(w) });
    else if ([...w].length >= MIN_TRIGRAM_LETTERS || CJK.test(w)) terms.push({ pattern: likePattern(w), grams: null });
  }
  return { words, visitor, terms };
}

const EXCERPT_CHARS = 160;

/** A window of the message around its first match, whole if short. */
export function excerpt(body: string, words: string[], max = EXCERPT_CHARS): string {
  const flat = body.replace(/\s+/gu, " ").trim();
  if (flat.length <= max) return flat;
  const lower = flat.toLowerCase();
  const at = Math.min(...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0), flat.length);
  const start = at === flat.length ? 0 : Math.max(0, Math.min(at - Math.floor(max / 3), flat.length - max));
  return `${start > 0 ? "…" : ""}${flat.slice(start, start + max)}${start + max < flat.length ? "…" : ""}`;
}

/** [start, end) ranges of the words in a text, merged, for the highlight. */
export function highlights(text: string, words: string[]): [number, number][] {
  const lower = text.toLowerCase();
  const found: [number, number][] = [];
  for (const w of words) {
    for (let i = lower.indexOf(w); i >= 0 && w; i = lower.indexOf(w, i + w.length)) found.push([i, i + w.length]);
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of found) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}
