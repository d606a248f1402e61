// Texts of the system messages that take seqs in a conversation's transcript. Stored in
// English; the visitor's page re-words them for Chinese (src/client/visitor/system-lines.ts).
// The "no agent" line is the admin's offline message (the stock text only when it is empty).
const texts = {
  assigned: (n: string) => `${n} joined the conversation`,
  transferred: (n: string) => `The conversation was transferred to ${n}`,
  resolved: (n: string) => `${n || "The agent"} marked the conversation as resolved`,
  "no-agent": (offlineMessage: string) => offlineMessage || "No agent is available right now. Leave a message and we will get back to you here.",
  // No longer written (a visitor who left keeps their conversation); kept for the
  // transcripts that hold it.
  "visitor-left": () => "The visitor left",
  "auto-resolved": () => "The conversation was resolved after a long silence. Write again any time.",
  requeued: (n: string) => `${n || "The agent"} is unavailable; waiting for the next agent`,
};
export type SystemKey = keyof typeof texts;
export const systemText = (key: SystemKey, name = "") => texts[key](name);
