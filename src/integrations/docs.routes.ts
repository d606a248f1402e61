// The REST API's description: GET /api/openapi.json (the OpenAPI 3.1 document) and
// GET /api/docs, a page rendered from that same document on the server (no script, no
// CDN), public like the contract itself: neither reveals anything but the API's shape.
import { Router } from "express";
import { buildOpenApi } from "./openapi.js";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

const escape = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** The document's prose, escaped, with its `code` spans as <code> (the only markup it uses). */
const prose = (t: unknown) => escape(String(t ?? "")).replace(/`([^`]+)`/g, "<code>$1</code>");
/** A parameter's schema without its description (shown in its own column). */
const brief = ({ description: _d, ...schema }: Record<string, unknown>) => JSON.stringify(schema);

/** The document's operations in order, as the docs page lists them. */
function operations(doc: ReturnType<typeof buildOpenApi>) {
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ method: m.toUpperCase(), path, ...(item[m] as object) })),
  );
}

export function docsRoutes() {
  const doc = buildOpenApi();
  const ops = operations(doc);
  const r = Router();
  r.get("/api/openapi.json", (_req, res) => void res.json(doc));
  r.get("/api/docs", (_req, res) => void res.render("api-docs", { doc, ops, prose, brief, pretty: (v: unknown) => JSON.stringify(v, null, 2) }));
  return r;
}
