// Agents and visitors: creation, credentials (passwords, revocable agent tokens), the first admin.
import { randomBytes, randomUUID } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { AppError, conflict, isUniqueViolation } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { AccountsRepository, AgentRow } from "./accounts.repository.js";
import { AGENT_TTL_MS, tokenRowId, type Tokens } from "./tokens.js";

export interface PublicAgent {
  id: string;
  email: string;
  name: string;
  role: "admin" | "agent";
  maxConcurrent: number;
}
export const publicAgent = (a: AgentRow): PublicAgent => ({
  id: a.id,
  email: a.email,
  name: a.name,
  role: a.role === "admin" ? "admin" : "agent",
  maxConcurrent: a.maxConcurrent,
});

const CONSOLE_TOKEN_TTL_MS = 12 * 3600_000;
const DIAGNOSTICS_TICKET_TTL_MS = 24 * 3600_000;

// Spent on unknown emails too, so response time does not reveal which accounts exist.
const DUMMY_HASH = hash("not-a-real-password");

export function createAccountsService(repo: AccountsRepository, tokens: Tokens, log: Logger) {
  return {
    repo,
    async createAgent(input: { email: string; name: string; password: string; role: "admin" | "agent"; maxConcurrent?: number; mustChangePassword?: boolean; takesChats?: boolean | null }) {
      try {
        const row = await repo.createAgent({
          id: randomUUID(),
          email: input.email,
          name: input.name,
          role: input.role,
          maxConcurrent: input.maxConcurrent ?? 5,
          passwordHash: await hash(input.password),
          mustChangePassword: input.mustChangePassword ?? false,
          takesChats: input.takesChats === undefined ? true : input.takesChats,
        });
        return publicAgent(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict("an agent with this email exists");
        throw err;
      }
    },

    /** Email + password to an agent, or null. Deactivated agents cannot sign in. */
    async checkPassword(email: string, password: string): Promise<AgentRow | null> {
      const agent = await repo.agentByEmail(email);
      if (!agent || !agent.active) {
        await verify(await DUMMY_HASH, password).catch(() => false);
        return null;
      }
      return (await verify(agent.passwordHash, password).catch(() => false)) ? agent : null;
    },

    /** A new bearer token for an agent whose password (or session) was just checked: the
     *  row as read then. One handed to a console page belongs to its cookie session (whose
     *  logout revokes it) and lives as long as a working day. AUTH_INVALID when the agent
     *  was deactivated, given a new password or logged out meanwhile. */
    async issueToken(agent: Pick<AgentRow, "id" | "passwordHash">, sessionSid?: string): Promise<string> {
      const secret = randomBytes(16).toString("base64url");
      const expiresAt = Date.now() + (sessionSid ? CONSOLE_TOKEN_TTL_MS : AGENT_TTL_MS);
      const stored = await repo.createToken({ id: tokenRowId(secret), agent, sessionSid, expiresAt: new Date(expiresAt) });
      if (!stored) throw new AppError("AUTH_INVALID", "signed out meanwhile, sign in again");
      return tokens.sign("a", secret, expiresAt);
    },

    /** The active agent behind an agent token, with the token's row (which names the
     *  sockets opened with it): one indexed read, or none for a forged or expired token. */
    async tokenHolder(token: unknown): Promise<{ agent: AgentRow; tokenId: string } | null> {
      const claims = tokens.verify(token, "a");
      if (!claims) return null;
      const tokenId = tokenRowId(claims.id);
      const agent = await repo.agentByToken(tokenId, new Date());
      return agent ? { agent, tokenId } : null;
    },
    async agentFromToken(token: unknown): Promise<AgentRow | null> {
      return (await this.tokenHolder(token))?.agent ?? null;
    },

    revokeToken: (tokenId: string) => repo.deleteToken(tokenId),
    revokeAgentTokens: (agentId: string) => repo.deleteAgentTokens(agentId),
    revokeSessionTokens: (sessionSid: string) => repo.deleteSessionTokens(sessionSid),
    pruneTokens: () => repo.deleteExpiredTokens(new Date()),
    /** Deletes expired tokens every `everyMs` (unref'd), until the returned stop. */
    startTokenPrune(everyMs: number): () => void {
      const timer = setInterval(() => void this.pruneTokens().catch((err: unknown) => log.warn("token prune failed", { err })), everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    async createVisitor(input: { name?: string; email?: string; meta?: object }) {
      const id = randomUUID();
      await repo.createVisitor({ id, ...input });
      return { visitorId: id, token: tokens.sign("v", id) };
    },

    visitorIdFromToken: (token: unknown): string | null => tokens.verify(token, "v")?.id ?? null,

    /** A day-long ticket that links a connection test (/diagnostics) to this visitor and
     *  grants nothing else: the page opened from a widget has no visitor token. */
    diagnosticsTicket: (visitorId: string): string => tokens.sign("d", visitorId, Date.now() + DIAGNOSTICS_TICKET_TTL_MS),
    visitorIdFromTicket: (ticket: unknown): string | null => tokens.verify(ticket, "d")?.id ?? null,

    /** First start: make sure someone can log in. Never touches an existing agent. A
     *  generated password is printed once, with the page to open, and must be replaced at
     *  the first login (it stays in the log, so it must stop working). */
    async ensureAdmin(email?: string, password?: string, loginUrl?: string) {
      if ((await repo.countAgents()) > 0) return;
      const pw = password ?? randomBytes(12).toString("base64url");
      const mail = email ?? "admin@localhost";
      try {
        await this.createAgent({ email: mail, name: "Admin", password: pw, role: "admin", mustChangePassword: !password,
          // The generated admin chooses at the first login (/account/password) whether to
          // answer chats; until then nobody is assigned to them.
          takesChats: password ? true : null });
      } catch (err) {
        if (err instanceof AppError && err.code === "CONFLICT") return; // another node won
        throw err;
      }
      if (password) log.info("admin agent created", { email: mail });
      // Printed once, on purpose: there is no other way to learn it.
      else log.warn("admin agent created with a generated password", { email: mail, password: pw, ...(loginUrl ? { open: loginUrl } : {}), then: "choose a new password at the first login" });
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;
