// Pure assignment rule (PROTOCOL.md section 4): among available agents below capacity,
// the fewest open conversations wins; ties go to whoever has waited longest since their
// last assignment (never assigned counts as longest).
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
