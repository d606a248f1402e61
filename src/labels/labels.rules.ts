// Labels' rules, free of I/O: what a name is, which colours there are, who may label a
// conversation and what a change of a conversation's labels comes to.
import type { Actor } from "../accounts/actor.js";
import { MAX_LABELS_PER_CONVERSATION } from "../events.js";
import { agentMayRead } from "../conversations/access.rules.js";

export const LABEL_NAME_MAX = 40;

/** The colours the admin page offers (readable on both themes); any `#rrggbb` is taken. */
export const LABEL_COLOURS = ["#2563eb", "#16a34a", "#dc2626", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#4b5563"];

/** A name as stored: trimmed, inner runs of spaces made one ("VIP  customer" is
 *  "VIP customer"); its case is kept, uniqueness ignores it (the lower(name) index). */
export function normaliseName(raw: string): string {
  return raw.normalize("NFC").trim().replace(/\s+/g, " ");
}

export const isColour = (s: string) => /^#[0-9a-f]{6}$/.test(s);

/** The agents who may read a conversation may label it: its agent, anyone while it
 *  waits (triage in the queue), admins. The same rule as notes; visitors never. */
export const mayLabel = (actor: Actor, c: { agent_id: string | null; status: string }) => agentMayRead(actor, c);

/** Duplicates dropped, in the order given. */
export const unique = (ids: string[]) => [...new Set(ids)];

/** The wanted set is refused when it is larger than a conversation may carry. */
export function tooMany(ids: string[]): string | null {
  return unique(ids).length > MAX_LABELS_PER_CONVERSATION ? `at most ${MAX_LABELS_PER_CONVERSATION} labels per conversation` : null;
}

/** What add/remove want, from the labels the conversation has now. */
export function withLabel(current: string[], id: string): string[] {
  return current.includes(id) ? current : [...current, id];
}
export function withoutLabel(current: string[], id: string): string[] {
  return current.filter((c) => c !== id);
}
