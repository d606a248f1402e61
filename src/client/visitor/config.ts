// Page configuration: the admin's widget settings, rendered by the server into
// `data-settings` on the root element (data, not script, under the strict CSP), and —
// inside the widget's iframe — the embedding tag's data- overrides passed in the URL.
// The cacheable embed page (widget/embed-page.ts) has no `available` nor `hours` in it:
// they would be stale; the page asks for them (availability.ts).
import { DEFAULT_COLOR, safeColor } from "../ui/theme.js";

export interface PageConfig {
  embed: boolean;
  title: string;
  color: string;
  greeting: string;
  offlineMessage: string;
  /** The admin's offline message in the default language: the transcript stores that one. */
  storedOfflineMessage: string;
  /** Whether an agent was available when the server rendered the page (null: unknown). */
  available: boolean | null;
  /** Business hours open or close this many ms after rendering (null: no schedule). */
  hoursChangeInMs: number | null;
}

const str = (v: unknown, max: number) => (typeof v === "string" ? v.trim().slice(0, max) : "");

/** The admin's wording for this language (settings `translations`), where it is not empty. */
function localise(s: Record<string, unknown>, lang: string): void {
  const own = (s.translations as Record<string, Record<string, unknown> | undefined> | undefined)?.[lang === "zh" ? "zh-CN" : lang];
  if (!own || typeof own !== "object") return;
  for (const k of ["title", "greeting", "offlineMessage"]) if (str(own[k], 500)) s[k] = own[k];
}

export function readConfig(root: HTMLElement, lang = "en"): PageConfig {
  let s: Record<string, unknown> = {};
  try {
    s = JSON.parse(root.dataset.settings || "{}") as Record<string, unknown>;
  } catch {
    /* a broken settings blob must not take the chat down: defaults apply */
  }
  const storedOfflineMessage = str(s.offlineMessage, 500);
  localise(s, lang);
  const embed = root.dataset.embed === "1";
  // The embedding tag's own data- text wins over the admin's wording for the language.
  if (embed) {
    const q = new URLSearchParams(location.search);
    for (const k of ["title", "color", "greeting"]) {
      const v = q.get(k);
      if (v) s[k] = v;
    }
  }
  return {
    embed,
    title: str(s.title, 80),
    color: safeColor(str(s.color, 32)) ?? DEFAULT_COLOR,
    greeting: str(s.greeting, 500),
    offlineMessage: str(s.offlineMessage, 500),
    storedOfflineMessage,
    available: typeof s.available === "boolean" ? s.available : null,
    hoursChangeInMs: changeIn(s.hours),
  };
}

function changeIn(hours: unknown): number | null {
  const ms = (hours as { nextChangeInMs?: unknown } | null)?.nextChangeInMs;
  return typeof ms === "number" && ms >= 0 ? ms : null;
}
