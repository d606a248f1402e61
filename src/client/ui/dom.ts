// DOM building without HTML strings. Everything a message carries reaches the page via
// textContent or a validated attribute; nothing is ever parsed as markup, so a message
// like `<img src=x onerror=…>` is shown as those characters.

type Attrs = Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === "class") node.className = String(v);
    else if (k === "text") node.textContent = String(v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

/** Inline SVG icons built with createElementNS (no innerHTML even for our own markup). */
export function icon(paths: string[], size = 20, cls = ""): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  if (cls) svg.setAttribute("class", cls);
  for (const d of paths) {
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", d);
    svg.append(p);
  }
  return svg;
}

// Material Design icon paths (Apache-2.0).
export const ICONS = {
  send: ["M2.01 21 23 12 2.01 3 2 10l15 2-15 2z"],
  clip: ["M16.5 6v11.5c0 2.21-1.79 4-4 4s-4-1.79-4-4V5c0-1.38 1.12-2.5 2.5-2.5s2.5 1.12 2.5 2.5v10.5c0 .55-.45 1-1 1s-1-.45-1-1V6H10v9.5c0 1.38 1.12 2.5 2.5 2.5s2.5-1.12 2.5-2.5V5c0-2.21-1.79-4-4-4S7 2.79 7 5v12.5c0 3.04 2.46 5.5 5.5 5.5s5.5-2.46 5.5-5.5V6z"],
  close: ["M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z"],
  file: ["M6 2c-1.1 0-1.99.9-1.99 2L4 20c0 1.1.89 2 1.99 2H18c1.1 0 2-.9 2-2V8l-6-6zm7 7V3.5L18.5 9z"],
  check: ["M9 16.17 4.83 12l-1.42 1.41L9 19 21 7l-1.41-1.41z"],
  checks: ["M18 7l-1.41-1.41-6.34 6.34 1.41 1.41zm4.24-1.41L11.66 16.17 7.48 12l-1.41 1.41L11.66 19l12-12zM.41 13.41 6 19l1.41-1.41L1.83 12z"],
  clock: ["M11.99 2C6.47 2 2 6.48 2 12s4.47 10 9.99 10C17.52 22 22 17.52 22 12S17.52 2 11.99 2M12 20c-4.42 0-8-3.58-8-8s3.58-8 8-8 8 3.58 8 8-3.58 8-8 8m.5-13H11v6l5.25 3.15.75-1.23-4.5-2.67z"],
  alert: ["M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2m1 15h-2v-2h2zm0-4h-2V7h2z"],
  chat: ["M20 2H4c-1.1 0-1.99.9-1.99 2L2 22l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2"],
};

// http(s) URLs and bare www. hosts; trailing punctuation is trimmed below because
// "see https://example.com." means the sentence ended, not that the URL has a dot.
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;

/** Only http and https become links; anything else (javascript:, data:) stays text. */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw.startsWith("www.") ? `https://${raw}` : raw, location.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

export function linkify(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    const trail = /[.,;:!?)\]}'"。，！？）]+$/.exec(url);
    if (trail) url = url.slice(0, -trail[0].length);
    const start = match.index ?? 0;
    const href = safeHref(url);
    if (!href || !url) continue;
    if (start > last) frag.append(text.slice(last, start));
    frag.append(el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow", text: url }));
    last = start + url.length;
  }
  if (last < text.length) frag.append(text.slice(last));
  return frag;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatTime(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : undefined, { hour: "numeric", minute: "2-digit" }).format(d);
}

/** The page's element of this id (the views render every id a script asks for). */
export const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
