// The console's strings built in script, in the agent's language: the server puts that
// dictionary's "js." part into the page (`data-i18n` on #console, src/i18n), so the
// bundle carries no dictionary of its own. Same {name} placeholders as the server's.
import type { MessageKey } from "../../i18n/en.js";

export type ClientKey = Extract<MessageKey, `js.${string}`>;

let table: Record<string, string> | null = null;

function messages(): Record<string, string> {
  if (table) return table;
  try {
    table = JSON.parse(document.getElementById("console")?.dataset.i18n || "{}") as Record<string, string>;
  } catch {
    table = {}; // a broken blob must not take the console down: keys show instead
  }
  return table;
}

export function t(key: ClientKey, vars?: Record<string, string | number>): string {
  const text = messages()[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (whole, k: string) => (k in vars ? String(vars[k]) : whole)) : text;
}
