// Page configuration: the admin's widget settings, rendered by the server into
// `data-settings` on the root element (no inline script under the strict CSP), and —
// inside the widget's iframe — the embedding tag's data- overrides passed in the URL.
export interface PageConfig {
  embed: boolean;
  title: string;
  color: string;
  greeting: string;
  offlineMessage: string;
  /** Whether an agent was available when the server rendered the page (null: unknown). */
  available: boolean | null;
}

const DEFAULT_COLOR = "#4f46e5";
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
  };
}

/** Only #rgb / #rrggbb colours: the value ends up in a CSS custom property. */
export function safeColor(c: string): string | null {
  if (/^#[0-9a-f]{6}$/i.test(c)) return c.toLowerCase();
  if (/^#[0-9a-f]{3}$/i.test(c)) return `#${c[1]}${c[1]}${c[2]}${c[2]}${c[3]}${c[3]}`.toLowerCase();
  return null;
}

/** White or near-black text on the accent, whichever reads better (WCAG luminance). */
export function onColor(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05) ? "#ffffff" : "#111827";
}

export function applyTheme(root: HTMLElement, color: string): void {
  // CSSOM, not a style attribute: allowed by a style-src CSP without 'unsafe-inline'.
  root.style.setProperty("--hf-accent", color);
  root.style.setProperty("--hf-on-accent", onColor(color));
}
