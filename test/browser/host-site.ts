// A site on another origin that embeds the widget, page by page: each path answers the
// HTML a test gave it (the chat's URL filled in), so a suite can put several tags,
// stubs and single-page navigation on one origin.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface HostSite {
  url: string;
  /** Serves `html(chatUrl)` at `path` (the query string is ignored). */
  page(path: string, html: (chat: string) => string): void;
  serve(chatUrl: string): void;
  close(): Promise<unknown>;
}

export async function hostSite(): Promise<HostSite> {
  let chat = "";
  const pages = new Map<string, (chat: string) => string>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    // A single-page site answers every path of its app with the same document.
    const html = pages.get(path) ?? [...pages].find(([p]) => p.endsWith("*") && path.startsWith(p.slice(0, -1)))?.[1];
    if (!html) return void res.writeHead(404).end();
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.end(html(chat));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    page: (path, html) => void pages.set(path, html),
    serve: (chatUrl) => void (chat = chatUrl),
    close: () => new Promise((r) => server.close(r)),
  };
}

/** A page of the shop: the widget's tag with `attrs` (data-user-id and the like), after `head`. */
export const shopPage = (title: string, attrs = "", head = "") => (chat: string) =>
  `<!doctype html><html><head><title>${title}</title>${head}</head><body><h1>${title}</h1>
<script src="${chat}/widget.js" data-title="Acme Help" ${attrs} async></script></body></html>`;
