// A visitor moved through the site: the new page (and title, referrer, language, timezone)
// is merged into the visitor row, then told to the agents following the visitor's
// conversations, whose panel shows it. Nothing is sent to anyone before the row is written.
import type { VisitorContextPayload, VisitorContextUpdate } from "../events.js";
import { notFound } from "../lib/errors.js";
import type { Realtime } from "../realtime/realtime.js";
import type { VisitorsRepository } from "./visitors.repository.js";
import { contextToMeta } from "./visitors.schemas.js";

const text = (m: Record<string, unknown>, k: string) => (typeof m[k] === "string" ? (m[k] as string) : null);

export function contextPayload(visitorId: string, conversationIds: string[], meta: Record<string, unknown>): VisitorContextPayload {
  return {
    visitorId,
    conversationIds,
    pageUrl: text(meta, "pageUrl"),
    pageTitle: text(meta, "pageTitle"),
    referrer: text(meta, "referrer"),
    language: text(meta, "language"),
    timezone: text(meta, "timezone"),
  };
}

export function createVisitorContext(d: { repo: Pick<VisitorsRepository, "mergeMeta">; realtime: Pick<Realtime, "visitorContext"> }) {
  return {
    /** Writes the update; resolves with the announcement to make once the sender is acked
     *  (`conversationIds`: the conversations the visitor's socket follows). */
    async update(visitorId: string, conversationIds: string[], p: VisitorContextUpdate): Promise<() => void> {
      const patch = contextToMeta(p);
      if (!Object.keys(patch).length) return () => {};
      const meta = await d.repo.mergeMeta(visitorId, patch);
      if (!meta) throw notFound("visitor not found");
      return () => {
        if (conversationIds.length) d.realtime.visitorContext(contextPayload(visitorId, conversationIds, meta));
      };
    },
  };
}
export type VisitorContext = ReturnType<typeof createVisitorContext>;
