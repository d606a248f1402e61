// Pure assignment rule (PROTOCOL.md section 4): among available agents below capacity,
// the fewest open conversations wins; ties go to whoever has waited longest since their
// last assignment (never assigned counts as longest); a page of the queue is distributed
// by applying that rule conversation after conversation. A returning visitor goes back to
// the agent who last had them when that agent is available and has room (issue 11).
export interface Candidate {
  id: string;
  load: number;
  maxConcurrent: number;
  lastAssignedAt: number | null;
}

export function rankCandidates(candidates: Candidate[]): Candidate[] {
  return candidates
    .filter((c) => c.load < c.maxConcurrent)
    .sort((a, b) => a.load - b.load || (a.lastAssignedAt ?? 0) - (b.lastAssignedAt ?? 0) || (a.id < b.id ? -1 : 1));
}

/** After a successful assignment: the candidate's new bookkeeping. */
export function afterAssign(c: Candidate, now: number): Candidate {
  return { ...c, load: c.load + 1, lastAssignedAt: now };
}

/** A conversation and the agent it is meant for. */
export interface Placement {
  conversationId: string;
  agentId: string;
}

/** Who gets which of these conversations (oldest first): each goes to the first candidate
 *  by the rule above, counted against that agent before the next is placed, so a page of
 *  the queue spreads as one-by-one assignment would. Those that find no room are left out.
 *  `returning`: a returning visitor's conversation and the agent who last had them (the
 *  rule `backToLastAgent`). */
export function distribute(
  conversationIds: string[], candidates: Candidate[], now: number, returning: ReadonlyMap<string, string> = new Map(),
): Placement[] {
  let pool = candidates;
  const out: Placement[] = [];
  for (const conversationId of conversationIds) {
    const ranked = rankCandidates(pool);
    const best = backToLastAgent(ranked, returning.get(conversationId)) ?? ranked[0];
    if (!best) break;
    out.push({ conversationId, agentId: best.id });
    pool = pool.map((c) => (c === best ? afterAssign(c, now) : c));
  }
  return out;
}

/** A returning visitor goes back to the agent who last had them, when that agent is among
 *  the ranked candidates (available, below capacity), whatever their load: continuity is
 *  worth more to the visitor than an even spread. Otherwise nobody in particular (null). */
export function backToLastAgent(ranked: Candidate[], lastAgentId: string | undefined): Candidate | null {
  return lastAgentId ? (ranked.find((c) => c.id === lastAgentId) ?? null) : null;
}
