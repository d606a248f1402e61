// Agents and visitors: creation, credentials, the first admin.
import { randomBytes, randomUUID } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { AppError, conflict, isUniqueViolation } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { AccountsRepository, AgentRow } from "./accounts.repository.js";
import type { Tokens } from "./tokens.js";

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

// Spent on unknown emails too, so response time does not reveal which accounts exist.
const DUMMY_HASH = hash("not-a-real-password");

export function createAccountsService(repo: AccountsRepository, tokens: Tokens, log: Logger) {
  return {
    repo,
    async createAgent(input: { email: string; name: string; password: string; role: "admin" | "agent"; maxConcurrent?: number }) {
      try {
        const row = await repo.createAgent({
          id: randomUUID(),
          email: input.email,
          name: input.name,
          role: input.role,
          maxConcurrent: input.maxConcurrent ?? 5,
          passwordHash: await hash(input.password),
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

    async issueAgentToken(email: string, password: string) {
      const agent = await this.checkPassword(email, password);
      if (!agent) throw new AppError("AUTH_INVALID", "wrong email or password");
      return { agentId: agent.id, token: tokens.sign("a", agent.id) };
    },

    /** The active agent behind a bearer token, or null. */
    async agentFromToken(token: unknown): Promise<AgentRow | null> {
      const claims = tokens.verify(token, "a");
      if (!claims) return null;
      const agent = await repo.agentById(claims.id);
      return agent && agent.active ? agent : null;
    },

    async createVisitor(input: { name?: string; email?: string; meta?: object }) {
      const id = randomUUID();
      await repo.createVisitor({ id, ...input });
      return { visitorId: id, token: tokens.sign("v", id) };
    },

    visitorIdFromToken: (token: unknown): string | null => tokens.verify(token, "v")?.id ?? null,

    /** First start: make sure someone can log in. Never touches an existing agent. */
    async ensureAdmin(email?: string, password?: string) {
      if ((await repo.countAgents()) > 0) return;
      const pw = password ?? randomBytes(12).toString("base64url");
      const mail = email ?? "admin@localhost";
      try {
        await this.createAgent({ email: mail, name: "Admin", password: pw, role: "admin" });
      } catch (err) {
        if (err instanceof AppError && err.code === "CONFLICT") return; // another node won
        throw err;
      }
      if (password) log.info("admin agent created", { email: mail });
      // Printed once, on purpose: there is no other way to learn it.
      else log.warn("admin agent created with a generated password", { email: mail, password: pw });
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;
