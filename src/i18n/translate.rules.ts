// The lookup: a key of the English dictionary, in the chosen locale, with {name}
// placeholders filled in. Pure; the EJS views and the console bundle both call it.
import { en, type MessageKey, type Messages } from "./en.js";
import { zhCN } from "./zh-CN.js";
import type { Locale } from "./locales.rules.js";

const DICTIONARIES: Record<Locale, Messages> = { en, "zh-CN": zhCN };

export type Vars = Record<string, string | number>;
export type Translate = ((key: MessageKey, vars?: Vars) => string) & {
  /** Whether a key exists (a view naming keys by pattern, e.g. a nav tab added later). */
  has(key: string): boolean;
};

/** Fills `{name}` from vars; a placeholder without a value stays visible, not blank. */
export function format(text: string, vars?: Vars): string {
  return vars ? text.replace(/\{(\w+)\}/g, (whole, k: string) => (k in vars ? String(vars[k]) : whole)) : text;
}

export function dictionary(locale: Locale): Messages {
  return DICTIONARIES[locale] ?? en;
}

export function translator(locale: Locale): Translate {
  const dict = dictionary(locale);
  // A key unknown at run time (a view with a typo) shows the key, never throws mid-render.
  const t = (key: MessageKey, vars?: Vars) => format(dict[key] ?? en[key] ?? key, vars);
  return Object.assign(t, { has: (key: string) => Object.hasOwn(en, key) });
}

/** The part of a dictionary the console bundle needs (keys under "js."), for the page. */
export function clientMessages(locale: Locale): Record<string, string> {
  return Object.fromEntries(Object.entries(dictionary(locale)).filter(([k]) => k.startsWith("js.")));
}
