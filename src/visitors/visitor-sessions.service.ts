// POST /api/visitor/session: an anonymous visitor (a new one per session, as before), or,
// with IDENTITY_SECRET and a matching userId + userHash, the site user's one visitor, on
// however many devices (PROTOCOL.md section 2). Each session gets its own token; the
// socket layer already lets one visitor hold several devices.
import { randomUUID } from "node:crypto";
import type { AccountsService } from "../accounts/accounts.service.js";
import type { Tokens } from "../accounts/tokens.js";
import type { Logger } from "../lib/logger.js";
import { judgeIdentity } from "./identity.rules.js";
import type { VisitorsRepository } from "./visitors.repository.js";

export interface SessionRequest {
  name?: string;
  email?: string;
  meta: Record<string, string>;
  userId?: string;
  userHash?: string;
}

export function createVisitorSessions(d: {
  secret?: string;
  accounts: Pick<AccountsService, "createVisitor">;
  repo: VisitorsRepository;
  tokens: Tokens;
  log: Logger;
}) {
  let warned = false;
  return {
    async create(req: SessionRequest): Promise<{ visitorId: string; token: string }> {
      const claim = judgeIdentity(d.secret, req);
      if (!claim.verified) {
        if (claim.ignored && !warned) {
          warned = true; // once: a site sending it on every page view would flood the log
          d.log.warn("visitor session with userId but IDENTITY_SECRET is unset: the identity is ignored");
        }
        return d.accounts.createVisitor({ name: req.name, email: req.email, meta: req.meta });
      }
      // Only the user themselves holds their pair: a name or email given replaces the stored one.
      const row = await d.repo.upsertVerified({ id: randomUUID(), userId: claim.userId, name: req.name, email: req.email, meta: req.meta });
      return { visitorId: row.id, token: d.tokens.sign("v", row.id) };
    },
  };
}
export type VisitorSessions = ReturnType<typeof createVisitorSessions>;
