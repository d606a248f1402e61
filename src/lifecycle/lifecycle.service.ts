// What happens to a conversation over time (issue 11, PROTOCOL.md section 4): a visitor who
// left never ends it (it stays with its agent, out of their load, or in the queue, and
// goes on when they return); only an agent, or AUTO_RESOLVE_AFTER_MS of silence after an
// agent's last message, resolves it. Agents snooze conversations out of their lists until
// a time or the visitor's next message (that one ends in the write path,
// messages.repository). One sweep per node ends due snoozes and resolves silent
// conversations; each is a conditional UPDATE, so nodes sweeping together never collide.
import type { Actor } from "../accounts/actor.js";
import type { AssignmentService } from "../assignment/assignment.service.js";
import type { ConversationViews } from "../conversations/conversation.views.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import { conflict } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { LifecycleRepository } from "./lifecycle.repository.js";
import { snoozeUntil, sweepEveryMs } from "./lifecycle.rules.js";

/** Conversations resolved per statement; a bigger backlog goes on at the next sweep. */
const RESOLVE_PAGE = 100;

export function createLifecycleService(d: {
  repo: LifecycleRepository;
  conversations: Pick<ConversationsRepository, "byId">;
  views: Pick<ConversationViews, "view">;
  assignment: Pick<AssignmentService, "owned" | "announce" | "autoResolved" | "assignWaiting">;
  autoResolveAfterMs: number;
  log: Logger;
  now?: () => number;
}) {
  const now = d.now ?? Date.now;
  const current = async (id: string) => d.views.view((await d.conversations.byId(id))!);

  async function sweep() {
    const woken = await d.repo.wakeDue();
    for (const id of woken) await d.assignment.announce(id);
    const resolved = await d.repo.resolveIdle(d.autoResolveAfterMs, RESOLVE_PAGE);
    if (resolved.length) await d.assignment.autoResolved(resolved);
  }

  return {
    /** The visitor has `left`: their conversation stays, out of the agent's load, so the
     *  queue may give that agent someone else. */
    async visitorLeft(visitorId: string) {
      if (await d.repo.markLeft(visitorId)) void d.assignment.assignWaiting();
    },
    /** The visitor is back (any device): their conversation is load again. */
    async visitorReturned(visitorId: string) {
      await d.repo.markReturned(visitorId);
    },

    async snooze(actor: Actor, conversationId: string, until: string | null | undefined) {
      const at = snoozeUntil(until, now()); // bad input changes nothing
      const row = await d.assignment.owned(actor, conversationId);
      if (row.status !== "open") throw conflict("only an open conversation can be snoozed");
      if (!(await d.repo.snooze(conversationId, row.agent_id, at))) throw conflict("the conversation changed meanwhile");
      await d.assignment.announce(conversationId);
      return current(conversationId);
    },
    async unsnooze(actor: Actor, conversationId: string) {
      await d.assignment.owned(actor, conversationId);
      if (await d.repo.unsnooze(conversationId)) await d.assignment.announce(conversationId);
      return current(conversationId);
    },
    /** A visitor's message ended the snooze (in the write path): the agents are told. */
    woken: (conversationId: string) => d.assignment.announce(conversationId),

    sweep,
    /** Sweeps every sweepEveryMs(AUTO_RESOLVE_AFTER_MS), one at a time; a failed sweep
     *  (database down) is logged and the next one makes up for it. */
    startSweep() {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        sweep().catch((err: unknown) => d.log.warn("lifecycle sweep failed", { err: String(err) }))
          .finally(() => (running = false));
      }, sweepEveryMs(d.autoResolveAfterMs));
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
export type LifecycleService = ReturnType<typeof createLifecycleService>;
