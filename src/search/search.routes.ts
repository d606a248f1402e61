// GET /api/console/search?q=: the console's search box, for logged-in agents (the page's
// session cookie or an agent bearer token, as the console's other JSON routes).
import { Router } from "express";
import type { WebAuth } from "../accounts/web-auth.js";
import { parseBody } from "../lib/http.js";
import { SearchQuerySchema } from "./search.schemas.js";
import type { SearchService } from "./search.service.js";

export function searchRoutes(d: { auth: WebAuth; search: SearchService }) {
  const r = Router();
  r.get("/api/console/search", d.auth.api(), async (req, res) => {
    const { q } = parseBody(SearchQuerySchema, req.query);
    res.json(await d.search.search(req.agent!, q));
  });
  return r;
}
