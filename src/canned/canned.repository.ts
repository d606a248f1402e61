// Canned responses: short texts an agent inserts by typing `/shortcut` in the composer.
import { randomUUID } from "node:crypto";
import type { Prisma } from "../lib/db.js";
import { conflict, isUniqueViolation, notFound } from "../lib/errors.js";

export interface Canned {
  id: string;
  shortcut: string;
  body: string;
}

const pick = (r: Canned): Canned => ({ id: r.id, shortcut: r.shortcut, body: r.body });

export function createCannedRepository(prisma: Prisma) {
  // Unique shortcut and missing rows surface as the contract's CONFLICT / NOT_FOUND.
  const guard = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict("a canned response with this shortcut exists");
      if ((err as { code?: string }).code === "P2025") throw notFound("canned response not found");
      throw err;
    }
  };
  return {
    list: async (): Promise<Canned[]> => (await prisma.cannedResponse.findMany({ orderBy: { shortcut: "asc" } })).map(pick),
    create: async (c: Omit<Canned, "id">) => pick(await guard(prisma.cannedResponse.create({ data: { id: randomUUID(), ...c } }))),
    update: async (id: string, c: Omit<Canned, "id">) => pick(await guard(prisma.cannedResponse.update({ where: { id }, data: c }))),
    remove: async (id: string) => void (await guard(prisma.cannedResponse.delete({ where: { id } }))),
  };
}
export type CannedRepository = ReturnType<typeof createCannedRepository>;
