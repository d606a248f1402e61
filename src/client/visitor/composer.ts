// The composer: Enter sends (Shift+Enter is a new line, and never while an IME is
// composing, which Chinese input relies on), the textarea grows with its text, the
// unsent draft is kept in storage, and files arrive by button, paste or drop.
import { store } from "../runtime/util.js";
import type { View } from "./view.js";

const DRAFT_KEY = "holdfast.visitor.draft";
const MAX_HEIGHT = 140;

export interface ComposerHooks {
  text(body: string): void;
  files(files: File[]): void;
  typing(active: boolean): void;
}

export function wireComposer(v: View, hooks: ComposerHooks): void {
  const ta = v.textarea;
  const autosize = () => {
    // CSSOM writes are allowed by the page's style-src CSP; style attributes are not.
    ta.style.height = "auto";
    ta.style.height = `${Math.min(ta.scrollHeight, MAX_HEIGHT)}px`;
    v.send.disabled = !ta.value.trim();
  };
  let draftTimer: ReturnType<typeof setTimeout> | undefined;
  const saveDraft = () => {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => (ta.value ? store.set(DRAFT_KEY, ta.value) : store.remove(DRAFT_KEY)), 300);
  };

  const submit = () => {
    const body = ta.value.trim();
    if (!body) return;
    hooks.text(body);
    ta.value = "";
    store.remove(DRAFT_KEY);
    autosize();
    ta.focus();
  };

  ta.value = store.get<string>(DRAFT_KEY) ?? "";
  v.composer.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  ta.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    submit();
  });
  ta.addEventListener("input", () => {
    autosize();
    saveDraft();
    hooks.typing(ta.value.trim().length > 0);
  });
  ta.addEventListener("blur", () => hooks.typing(false));

  v.attach.addEventListener("click", () => v.file.click());
  v.file.addEventListener("change", () => {
    const files = Array.from(v.file.files ?? []);
    v.file.value = ""; // choosing the same file again must fire `change` again
    if (files.length) hooks.files(files);
  });
  ta.addEventListener("paste", (e) => {
    const files = Array.from(e.clipboardData?.files ?? []);
    if (!files.length) return;
    e.preventDefault();
    hooks.files(files);
  });
  const zone = v.scroll.parentElement ?? v.scroll;
  zone.addEventListener("dragover", (e) => {
    if (!e.dataTransfer?.types.includes("Files")) return;
    e.preventDefault();
    zone.classList.add("hf-dragging");
  });
  zone.addEventListener("dragleave", (e) => {
    if (e.target === zone || !zone.contains(e.relatedTarget as Node | null)) zone.classList.remove("hf-dragging");
  });
  zone.addEventListener("drop", (e) => {
    zone.classList.remove("hf-dragging");
    const files = Array.from(e.dataTransfer?.files ?? []);
    if (!files.length) return;
    e.preventDefault();
    hooks.files(files);
  });
  autosize();
}
