// The queue of waiting conversations, worked in bulk: a run takes a page of it (oldest
// first), distributes it by the rule, claims it in one transaction, and has the new owners
// follow their conversations at once. Their system lines and announcements (the slow part:
// the lines wait for the message writer, busy with everyone's messages; an agent is told
// once its line is stored) go on while the next runs claim, so a burst is not held up by
// its own bookkeeping; the writer batches the lines of several runs together.
import type { AccountsRepository } from "../accounts/accounts.repository.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import type { Logger } from "../lib/logger.js";
import { serialRuns } from "../lib/serial-runs.js";
import { isUnavailable } from "../lib/unavailable.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { AssignmentRepository, Claimed } from "./assignment.repository.js";
import { distribute, type Candidate } from "./assignment.rules.js";

export interface QueueDeps {
  conversations: Pick<ConversationsRepository, "openLoads">;
  claims: AssignmentRepository;
  accounts: Pick<AccountsRepository, "activeAgents">;
  presence: Pick<PresenceStore, "availableAgents">;
  log: Logger;
  /** Business hours: closed, nothing is assigned automatically (agents may still claim). */
  isOpen?: () => boolean;
  /** The owners follow their new conversations (synchronous: before anything is delivered). */
  follow(claimed: Claimed[]): void;
  /** The system lines and announcements of an assignment; never rejects. */
  tell(claimed: Claimed[]): Promise<void>;
}

/** What a run did: the conversations it assigned; `more` when it assigned and a full page,
 *  or a lost race (another node or a claim took a row or an agent's room), may have left
 *  work that the next run can do. */
interface RunOutcome {
  claimed: ReadonlySet<string>;
  more: boolean;
}

const PAGE = 50;
const MAX_TELLING = 4;
const IDLE: RunOutcome = { claimed: new Set(), more: false };

export function createAssignmentQueue(d: QueueDeps) {
  async function candidates(): Promise<Candidate[]> {
    if (d.isOpen && !d.isOpen()) return [];
    const ids = await d.presence.availableAgents();
    if (!ids.length) return [];
    const [agents, load] = await Promise.all([d.accounts.activeAgents(ids), d.conversations.openLoads(ids)]);
    return agents.map((a) => ({
      id: a.id, load: load.get(a.id) ?? 0, maxConcurrent: a.maxConcurrent, lastAssignedAt: a.lastAssignedAt?.getTime() ?? null,
    }));
  }

  // Runs whose lines and announcements are still under way; a run waits for one to finish
  // before it goes beyond this many, so they stay bounded however slow the writer is.
  const telling = new Set<Promise<void>>();
  function tell(claimed: Claimed[]) {
    const p = d.tell(claimed).finally(() => telling.delete(p));
    telling.add(p);
  }

  async function runOnce(): Promise<RunOutcome> {
    const { ids: waiting, returning } = await d.claims.waitingPage(PAGE);
    if (!waiting.length) return IDLE;
    const plan = distribute(waiting, await candidates(), Date.now(), returning);
    if (!plan.length) return IDLE; // everyone is full: the queue keeps waiting
    const claimed = await d.claims.claimWaiting(plan);
    if (claimed.length) {
      d.follow(claimed);
      if (telling.size >= MAX_TELLING) await Promise.race(telling);
      tell(claimed);
    }
    const more = claimed.length > 0 && (waiting.length === PAGE || claimed.length < plan.length);
    return { claimed: new Set(claimed.map((c) => c.conversationId)), more };
  }

  // One run at a time per node; whatever asks meanwhile shares the next one.
  const runs = serialRuns(
    () => runOnce().catch((err: unknown) => {
      // An unreachable database (an outage, the embedded thread restarting) is a state
      // that /readyz and the dependency metrics report; the next run retries.
      if (isUnavailable(err)) d.log.warn("assignment run failed: database unavailable", { err });
      else d.log.error("assignment run failed", { err });
      return IDLE;
    }),
    (outcome) => outcome.more,
  );

  return {
    /** Works the queue (in the background; resolves after the next run). */
    assignWaiting: async () => void (await runs()),
    /** Whether this node's runs assign the conversation (just stored as waiting). Runs take
     *  the oldest first, so this waits for the runs ahead of it in the queue only; it
     *  answers once its owner follows it. False: someone else took it, or nobody had room. */
    async assigns(conversationId: string): Promise<boolean> {
      for (;;) {
        const run = await runs();
        if (run.claimed.has(conversationId)) return true;
        if (!run.more) return false;
      }
    },
  };
}
