// The accent colour, shared by the chat page and the widget's launcher so that both wear
// the admin's colour the same way: only #rgb / #rrggbb pass (the value ends up in a CSS
// custom property), the text on it is white or near-black, whichever reads better, and
// both are set through the CSSOM, which a style-src CSP without 'unsafe-inline' allows.

export const DEFAULT_COLOR = "#4f46e5";

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
