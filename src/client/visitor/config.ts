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
  /** Whether an agent was available when the server rendered the page (null: unknown). */
  available: boolean | null;
  /** Business hours open or close this many ms after rendering (null: no schedule). */
  hoursChangeInMs: number | null;
}

const str = (v: unknown, max: number) => (typeof v === "string" ? v.trim().slice(0, max) : "");

export function readConfig(root: HTMLElement): PageConfig {
  let s: Record<string, unknown> = {};
  try {
    s = JSON.parse(root.dataset.settings || "{}") as Record<string, unknown>;
  } catch {
    /* a broken settings blob must not take the chat down: defaults apply */
  }
  const embed = root.dataset.embed === "1";
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
    available: typeof s.available === "boolean" ? s.available : null,
    hoursChangeInMs: changeIn(s.hours),
  };
}

function changeIn(hours: unknown): number | null {
  const ms = (hours as { nextChangeInMs?: unknown } | null)?.nextChangeInMs;
  return typeof ms === "number" && ms >= 0 ? ms : null;
}
