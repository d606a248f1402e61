// Which language a page is in: the agent's own choice when stored, else the browser's
// Accept-Language. Pure, so the choice is unit-tested apart from any request.

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** The names shown in the language switch, each in its own language. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "中文" };

export const isLocale = (v: unknown): v is Locale => typeof v === "string" && (LOCALES as readonly string[]).includes(v);

/** A language tag as browsers send it ("zh", "zh-TW", "en-GB"…) mapped to a supported locale. */
export function localeOfTag(tag: string): Locale | null {
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  return base === "zh" ? "zh-CN" : base === "en" ? "en" : null;
}

/** The first supported language of an Accept-Language header, by its q weights. */
export function pickLocale(acceptLanguage: string | undefined | null): Locale {
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((l) => l.tag && l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const l of ranked) {
    const locale = localeOfTag(l.tag);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}

/** The locale a page uses: the stored choice wins over the browser's header. */
export function resolveLocale(stored: string | null | undefined, acceptLanguage: string | undefined | null): Locale {
  return isLocale(stored) ? stored : pickLocale(acceptLanguage);
}
