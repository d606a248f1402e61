// The embeddable loader served as /widget.js:
//   <script src="https://chat.example.com/widget.js" data-title data-color
//           data-position="right|left" data-greeting async></script>
// adds a launcher bubble (with unread badge) and a chat panel. The panel is an iframe to
// `<origin>/?embed=1`, so the host page's CSS and scripts cannot reach the chat; the
// launcher lives in a shadow root so host CSS cannot restyle it either. The launcher
// shows only once the iframe has said `ready`, i.e. once the server agreed to be framed
// here (CSP frame-ancestors from ALLOWED_ORIGINS): a refused embed shows nothing.
// The frame's URL carries the embed page's version, so a browser reuses its copy.
// Verified identity (data-user-id, data-user-hash, data-user-name, data-user-email, or
// Holdfast.identify) and the host page's context go to the chat through host.ts.
import { applyTheme, DEFAULT_COLOR, safeColor } from "../ui/theme.js";
import { HostLink } from "./host.js";
import { WIDGET_CSS } from "./style.js";

interface Settings {
  title?: string;
  color?: string;
  greeting?: string;
  position?: string;
  /** An agent is online (from the server only; the chat page keeps it current). */
  available?: boolean;
  /** The admin's wording per language (settings `translations`), e.g. `zh-CN.title`. */
  translations?: Record<string, { title?: string } | undefined>;
}

const CHANNEL = "holdfast";
/** The cacheable embed page's version: the server writes it in as it sends this file
 *  (widget/embed-page.ts); left as it is (a stale or unserved copy), the page is asked
 *  for without it and comes uncached. */
const EMBED_VERSION = "__HOLDFAST_EMBED_VERSION__";
const OPEN_KEY = "holdfast:open";
const SVG_NS = "http://www.w3.org/2000/svg";
const CHAT = "M20 2H4c-1.1 0-1.99.9-1.99 2L2 22l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2";
const CLOSE = "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z";

(function boot() {
  const w = window as Window & { __holdfastWidget?: boolean };
  // currentScript is null when a tag manager evals the code: fall back to the tag.
  const script = (document.currentScript ?? document.querySelector('script[src*="/widget.js"]')) as HTMLScriptElement | null;
  if (w.__holdfastWidget || !script || !script.src) return;
  w.__holdfastWidget = true;
  const origin = new URL(script.src, location.href).origin;
  const overrides: Settings = {};
  for (const k of ["title", "color", "greeting", "position"] as const) {
    const v = script.getAttribute(`data-${k}`);
    if (v) overrides[k] = v;
  }
  const link = new HostLink(script); // Holdfast.identify works from now on
  // The settings (colour, side, availability) and the chat's iframe load side by side:
  // on a far link each round trip counts, and the launcher stays hidden until the
  // iframe says `ready`, which comes after the settings in practice (one round trip
  // against at least two), so the launcher shows in its final colours either way.
  const settings = fetch(`${origin}/api/widget/settings`, { credentials: "omit" })
    .then((r) => (r.ok ? (r.json() as Promise<Settings>) : {}))
    .catch(() => ({}) as Settings);
  const start = () => void settings.then(mount(origin, overrides, link));
  if (document.body) void start();
  else document.addEventListener("DOMContentLoaded", () => void start());
})();

function svg(d: string, cls: string): SVGSVGElement {
  const s = document.createElementNS(SVG_NS, "svg");
  s.setAttribute("viewBox", "0 0 24 24");
  s.setAttribute("aria-hidden", "true");
  s.setAttribute("class", cls);
  const p = document.createElementNS(SVG_NS, "path");
  p.setAttribute("d", d);
  s.appendChild(p);
  return s;
}

function session(get: boolean, value?: boolean): boolean {
  try {
    if (get) return sessionStorage.getItem(OPEN_KEY) === "1";
    sessionStorage.setItem(OPEN_KEY, value ? "1" : "0");
  } catch {
    /* storage blocked by the host page's policy: the panel just starts closed */
  }
  return false;
}

/** Adds launcher and iframe; answers what applies the server's settings once they come. */
function mount(origin: string, overrides: Settings, link: HostLink): (s: Settings) => void {
  const host = document.createElement("div");
  host.id = "holdfast-widget";
  const root = host.attachShadow({ mode: "open" });
  // A constructed stylesheet is not subject to the host page's style-src CSP; a
  // <style> element is the fallback for older browsers.
  if ("adoptedStyleSheets" in root && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement("style");
    style.textContent = WIDGET_CSS;
    root.appendChild(style);
  }
  const wrap = document.createElement("div");
  wrap.className = "wrap";
  const panel = document.createElement("div");
  panel.className = "panel";
  const frame = document.createElement("iframe");
  const q = new URLSearchParams({ embed: "1" });
  if (EMBED_VERSION && !EMBED_VERSION.startsWith("__")) q.set("v", EMBED_VERSION);
  for (const k of ["title", "color", "greeting"] as const) if (overrides[k]) q.set(k, overrides[k]!);
  // The chat waits for the identity (never in the URL: the hash is a credential) before
  // it connects, so a returning device never shows the previous visitor's chat.
  if (link.identity) q.set("identify", "1");
  frame.src = `${origin}/?${q}`;
  panel.appendChild(frame);

  const button = document.createElement("button");
  button.type = "button";
  button.className = "launcher";
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("aria-expanded", "false");
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.hidden = true;
  const dot = document.createElement("span");
  dot.className = "dot";
  button.append(svg(CHAT, "i-open"), svg(CLOSE, "i-close"), badge, dot);
  wrap.append(panel, button);
  root.appendChild(wrap);
  document.body.appendChild(host);

  const send = (msg: { type: string }) => frame.contentWindow?.postMessage({ source: CHANNEL, ...msg }, origin);
  const post = (type: string) => send({ type });
  let open = false;
  let unread = 0;
  let available: boolean | null = null;
  // The launcher speaks the browser's language, like the chat itself (visitor/i18n.ts, not bundled here: kept tiny).
  const zh = /^zh\b/i.test(navigator.language || "");
  const who = () => (available === null ? "" : zh ? (available ? "，客服在线" : "，请留言") : available ? ", we're online" : ", leave a message");
  const label = () =>
    button.setAttribute("aria-label", zh ? `${open ? "关闭" : "打开"}对话${who()}${unread ? `（${unread} 条未读）` : ""}` : `${open ? "Close" : "Open"} chat${who()}${unread ? ` (${unread} unread)` : ""}`);
  // A green dot while someone is there; none while the chat takes messages for later.
  const setAvailable = (v: unknown) => {
    available = typeof v === "boolean" ? v : null;
    wrap.classList.toggle("online", available === true);
    wrap.classList.toggle("away", available === false);
    label();
  };
  let heard = false; // the chat's own word on availability is newer than the settings'
  const setOpen = (v: boolean) => {
    open = v;
    wrap.classList.toggle("open", v);
    button.setAttribute("aria-expanded", String(v));
    session(false, v);
    post(v ? "open" : "close");
    if (v) frame.focus();
    label();
  };
  button.addEventListener("click", () => setOpen(!open));
  frame.addEventListener("load", () => (post("hello"), link.attach(send)));

  const warn = setTimeout(() => console.warn(`[holdfast] the chat at ${origin} did not load here; is ${location.origin} in ALLOWED_ORIGINS?`), 15_000);
  window.addEventListener("message", (e) => {
    const data = e.data as { source?: string; type?: string; count?: number; available?: unknown } | null;
    if (e.origin !== origin || e.source !== frame.contentWindow || !data || data.source !== CHANNEL) return;
    if (data.type === "ready") {
      clearTimeout(warn);
      wrap.classList.add("ready");
      if (session(true)) setOpen(true);
      else post("close");
    } else if (data.type === "unread") {
      unread = Math.max(0, Math.floor(Number(data.count) || 0));
      badge.textContent = unread > 99 ? "99+" : String(unread);
      badge.hidden = !unread;
      label();
    } else if (data.type === "availability") {
      heard = true;
      setAvailable(data.available);
    } else if (data.type === "close") {
      setOpen(false);
      button.focus(); // keyboard users land back where they opened the chat
    }
  });
  const apply = (fetched: Settings) => {
    const s = { ...fetched, ...overrides };
    applyTheme(host, safeColor(s.color || "") || DEFAULT_COLOR);
    wrap.classList.toggle("left", s.position === "left");
    wrap.classList.toggle("right", s.position !== "left");
    frame.title = overrides.title || (zh && fetched.translations?.["zh-CN"]?.title) || s.title || "Chat";
    if (!heard) setAvailable(s.available);
  };
  apply({});
  return apply;
}
