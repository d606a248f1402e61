// Writing a reply: Enter sends (Shift+Enter for a new line), typing is announced, `/`
// opens the canned responses, files (button, paste or drop) go through POST /api/uploads.
// Replying to a waiting conversation claims it first: one step instead of two. In note
// mode (the Note button, or Ctrl/Cmd+Shift+N) what is written is a private note for the
// agents (src/notes): nothing reaches the visitor, nothing is claimed.
import type { Conversation } from "../../events.js";
import { ICONS, icon } from "../ui/dom.js";
import { ApiError, upload } from "./api.js";
import { mountCanned } from "./canned.js";
import type { ConsoleNotes } from "./notes.js";
import type { ConsoleState } from "./state.js";
import { t } from "./i18n.js";

export function mountComposer(state: ConsoleState, notes: ConsoleNotes, notice: (text: string, kind?: "error" | "info") => void): void {
  const { rt, me } = state;
  const form = document.getElementById("composer") as HTMLFormElement;
  const text = document.getElementById("text") as HTMLTextAreaElement;
  const file = document.getElementById("file") as HTMLInputElement;
  const attach = document.getElementById("attach") as HTMLButtonElement;
  const error = document.getElementById("composer-error")!;
  const noteToggle = document.getElementById("note-toggle") as HTMLButtonElement;
  const sendButton = document.getElementById("send") as HTMLButtonElement;
  let noteMode = false;
  attach.append(icon(ICONS.clip, 20));
  const drafts = new Map<string, string>(); // per conversation, so switching loses nothing

  const writable = (c: Conversation | undefined) =>
    !!c && (c.status === "waiting" || (c.status === "open" && (c.agent?.id === me.id || me.role === "admin")));

  function showError(msg: string): void {
    error.textContent = msg;
    error.hidden = !msg;
  }

  function grow(): void {
    text.style.height = "auto";
    text.style.height = `${Math.min(text.scrollHeight, 180)}px`;
  }

  /** A waiting conversation is claimed before the first reply goes out. */
  async function ensureMine(c: Conversation): Promise<boolean> {
    if (c.status !== "waiting") return true;
    const res = await rt.act("conversation:claim", { conversationId: c.id });
    if (!res.ok) notice(res.code === "CONFLICT" ? t("js.tookFirst") : res.message);
    return res.ok;
  }

  function setNoteMode(on: boolean): void {
    noteMode = on;
    noteToggle.setAttribute("aria-pressed", String(on));
    form.classList.toggle("composer--note", on);
    sendButton.textContent = on ? t("js.addNote") : t("js.send");
    attach.disabled = on; // notes are text
    placeholder();
    text.focus();
  }

  async function addNote(c: Conversation, body: string): Promise<void> {
    sendButton.disabled = true;
    try {
      const failed = await notes.add(c.id, body);
      if (failed) return showError(t("js.noteFailed", { error: failed }));
      if (text.value.trim() === body) text.value = "";
      drafts.delete(c.id);
      grow();
      showError("");
    } finally {
      sendButton.disabled = false;
    }
  }

  async function send(): Promise<void> {
    const c = state.selected ? state.info(state.selected) : undefined;
    const body = text.value.trim();
    if (!c || !body || !writable(c)) return;
    if (noteMode) return addNote(c, body);
    if (!(await ensureMine(c))) return;
    rt.send({ conversationId: c.id, type: "text", body });
    text.value = "";
    drafts.delete(c.id);
    grow();
    showError("");
  }

  async function sendFile(f: File): Promise<void> {
    const c = state.selected ? state.info(state.selected) : undefined;
    if (!c || !writable(c) || !(await ensureMine(c))) return;
    attach.disabled = true;
    showError("");
    try {
      const a = await upload(f);
      rt.send({ conversationId: c.id, type: a.mime.startsWith("image/") ? "image" : "file", body: a.name, attachmentId: a.id, attachment: a });
    } catch (err) {
      showError(err instanceof ApiError ? err.message : t("js.uploadFailed"));
    } finally {
      attach.disabled = false;
    }
  }

  const picker = mountCanned(text, () => grow());

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void send();
  });
  noteToggle.addEventListener("click", () => setNoteMode(!noteMode));
  text.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === "n") {
      e.preventDefault();
      return setNoteMode(!noteMode);
    }
    if (picker.handleKey(e)) return;
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void send();
    }
  });
  text.addEventListener("input", () => {
    grow();
    picker.update();
    if (state.selected) {
      drafts.set(state.selected, text.value);
      if (!noteMode) rt.setTyping(text.value.length > 0, state.selected); // a note is not typing to the visitor
    }
  });
  attach.addEventListener("click", () => file.click());
  file.addEventListener("change", () => {
    const f = file.files?.[0];
    file.value = "";
    if (f) void sendFile(f);
  });
  text.addEventListener("paste", (e) => {
    const f = e.clipboardData?.files?.[0];
    if (f) {
      e.preventDefault();
      void sendFile(f);
    }
  });
  // A file dropped anywhere on the conversation goes out like an attached one.
  const zone = document.getElementById("chat")!;
  zone.addEventListener("dragover", (e) => {
    if (form.hidden || !e.dataTransfer?.types.includes("Files")) return;
    e.preventDefault();
    zone.classList.add("chat--drop");
  });
  zone.addEventListener("dragleave", (e) => !zone.contains(e.relatedTarget as Node | null) && zone.classList.remove("chat--drop"));
  zone.addEventListener("drop", (e) => {
    zone.classList.remove("chat--drop");
    const f = e.dataTransfer?.files?.[0];
    if (!f || form.hidden) return;
    e.preventDefault();
    void sendFile(f);
  });

  let shownFor: string | null = null;
  function render(): void {
    const c = state.selected ? state.info(state.selected) : undefined;
    form.hidden = !writable(c);
    if (c && c.id !== shownFor) {
      if (shownFor) rt.setTyping(false, shownFor);
      shownFor = c.id;
      text.value = drafts.get(c.id) ?? "";
      picker.close();
      showError("");
      grow();
      if (!form.hidden) text.focus();
    }
    placeholder();
  }
  function placeholder(): void {
    const c = state.selected ? state.info(state.selected) : undefined;
    text.placeholder = noteMode
      ? t("js.notePlaceholder")
      : t(c?.status === "waiting" ? "js.replyToClaim" : "js.replyPlaceholder");
  }
  state.on("change", render);
  render();
}
