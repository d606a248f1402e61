// The agent console's entry point (public/build/console.js): one runtime on the /agent
// namespace, authenticated by the page's session cookie (no token), and the parts of
// the page, each mounted on the shared state.
import { ConsoleRuntime } from "./console-runtime.js";
import { mountChat } from "./chat.js";
import { mountComposer } from "./composer.js";
import { mountHeader } from "./header.js";
import { mountLabels } from "./labels.js";
import { mountLists } from "./lists.js";
import { mountLocation } from "./location.js";
import { ConsoleNotes } from "./notes.js";
import { mountNotify } from "./notify.js";
import { mountPanel } from "./panel.js";
import { ConsoleState, type Me } from "./state.js";
import { mountSearch } from "./search.js";
import { mountShortcuts } from "./shortcuts.js";
import { mountSnooze } from "./snooze.js";
import { mountStatusBar } from "./statusbar.js";

const root = document.getElementById("console")!;
const me = JSON.parse(root.dataset.me ?? "{}") as Me;

const rt = new ConsoleRuntime({
  url: location.origin,
  namespace: "/agent",
  token: () => null, // the session cookie goes with the handshake (same origin)
  storageKey: `hf.console.${me.id}`,
});
const state = new ConsoleState(rt, me);
const notes = new ConsoleNotes(rt);

const toast = document.getElementById("toast")!;
let toastTimer: ReturnType<typeof setTimeout> | undefined;
function notice(text: string, kind: "error" | "info" = "error"): void {
  clearTimeout(toastTimer);
  toast.textContent = text;
  toast.dataset.kind = kind;
  toast.hidden = false;
  toastTimer = setTimeout(() => (toast.hidden = true), 6000);
}

mountStatusBar(state);
mountLists(state);
mountHeader(state, notice);
mountSnooze(state, notice);
mountLabels(state, notice);
mountChat(state, notes);
mountComposer(state, notes, notice);
mountPanel(state);
mountNotify(state);
mountSearch(state, notice);
mountLocation(state); // after the parts that listen for the selection
mountShortcuts();

rt.on("authError", () => location.assign("/login?next=/agent"));
// Every (re)connect: the lists may have moved while we were away.
rt.on("ready", () => void state.refreshLists().catch(() => {}));
rt.start();

// The waiting list is announced live only while a conversation waits; one taken by a
// colleague is noticed by this refresh. Cheap: one indexed query.
const refresh = () => {
  if (document.visibilityState !== "visible") return;
  void state.refreshLists().catch(() => {});
  void state.refreshTeam().catch(() => {});
};
setInterval(refresh, 20_000);
document.addEventListener("visibilitychange", refresh);

// For the browser tests and for debugging from the devtools console.
(window as unknown as { holdfast: unknown }).holdfast = { rt, state, notes };
