// Key/value settings kept in the database so every node sees the same ones.
import type { Prisma } from "../lib/db.js";
import { Prisma as P } from "../generated/prisma/client.js";

export function createSettingsRepository(prisma: Prisma) {
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const row = await prisma.setting.findUnique({ where: { key } });
      return row ? (row.value as T) : undefined;
    },
    async set(key: string, value: unknown): Promise<void> {
      const v = value as P.InputJsonValue;
      await prisma.setting.upsert({ where: { key }, create: { key, value: v }, update: { value: v } });
    },
    /** Inserts only if absent and returns whatever is stored: safe when nodes race. */
    async getOrCreate<T>(key: string, make: () => T): Promise<T> {
      await prisma.setting.createMany({ data: [{ key, value: make() as P.InputJsonValue }], skipDuplicates: true });
      const row = await prisma.setting.findUniqueOrThrow({ where: { key } });
      return row.value as T;
    },
  };
}
export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
