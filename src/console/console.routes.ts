// The agent console page and the JSON it reads besides the socket. All of it is for
// logged-in agents: the session cookie of the page (or an agent bearer token).
import { Router } from "express";
import { z } from "zod";
import type { AccountsService } from "../accounts/accounts.service.js";
import type { WebAuth } from "../accounts/web-auth.js";
import type { CannedRepository } from "../canned/canned.repository.js";
import { parseBody } from "../lib/http.js";
import type { ConsoleService } from "./console.service.js";

const ScopeSchema = z.strictObject({ scope: z.enum(["mine", "waiting", "all"]) });
const IdSchema = z.string().min(1).max(64);

export function consoleRoutes(d: { auth: WebAuth; console: ConsoleService; canned: CannedRepository; accounts: Pick<AccountsService, "issueToken"> }) {
  const r = Router();
  const api = d.auth.api();

  r.get("/agent", d.auth.page(), (_req, res) => res.render("console"));

  r.get("/api/agents", api, async (_req, res) => void res.json({ agents: await d.console.team() }));

  r.get("/api/console/conversations", api, async (req, res) => {
    const { scope } = parseBody(ScopeSchema, req.query);
    res.json({ conversations: await d.console.list(req.agent!, scope) });
  });

  r.get("/api/visitors/:id", api, async (req, res) => {
    res.json(await d.console.visitor(req.agent!, parseBody(IdSchema, req.params.id)));
  });

  r.get("/api/canned", api, async (_req, res) => void res.json({ canned: await d.canned.list() }));

  // POST /api/uploads takes bearer tokens; the console holds only its cookie. A GET
  // that a cross-site page could trigger but never read (no CORS) hands it one, tied to
  // the session: the console's logout revokes it.
  r.get("/api/console/token", d.auth.api(undefined, { sessionOnly: true }), async (req, res) => {
    res.json({ token: await d.accounts.issueToken(req.agent!, req.sessionID) });
  });

  return r;
}
