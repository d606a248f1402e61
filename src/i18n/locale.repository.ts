// The agent's stored language (agent.locale); read back with the agent row itself.
import type { Prisma } from "../lib/db.js";

export function createLocaleRepository(prisma: Prisma) {
  return {
    setAgentLocale: async (agentId: string, locale: string): Promise<void> =>
      void (await prisma.agent.update({ where: { id: agentId }, data: { locale } })),
  };
}
export type LocaleRepository = ReturnType<typeof createLocaleRepository>;
