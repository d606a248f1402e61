// Getting an agent's attention when the console is in a background tab: a system
// notification (if allowed), a short two-tone chime made with WebAudio (no audio file
// to fetch), and the unread count in the tab title.
import type { Conversation } from "../../events.js";
import { preview } from "./format.js";
import { t } from "./i18n.js";
import type { ConsoleState } from "./state.js";

const BASE_TITLE = document.title;

export function mountNotify(state: ConsoleState): void {
  const { rt } = state;
  const button = document.getElementById("enable-notify") as HTMLButtonElement;
  let audio: AudioContext | null = null;
  const knownWaiting = new Set<string>();
  // Conversations that were already waiting when the page loaded are not news.
  const loadedAt = Date.now() - 5000;

  // Browsers allow sound and the permission prompt only after a user gesture.
  const unlock = () => {
    try {
      audio ??= new AudioContext();
      void audio.resume();
    } catch {
      /* no WebAudio */
    }
  };
  document.addEventListener("pointerdown", unlock, { once: true });
  document.addEventListener("keydown", unlock, { once: true });

  const canNotify = () => typeof Notification !== "undefined";
  button.hidden = !canNotify() || Notification.permission !== "default";
  button.addEventListener("click", async () => {
    await Notification.requestPermission().catch(() => "denied");
    button.hidden = Notification.permission !== "default";
  });

  function chime(): void {
    if (!audio || audio.state !== "running") return;
    const t = audio.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      const start = t + i * 0.16;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.15);
      osc.connect(gain).connect(audio.destination);
      osc.start(start);
      osc.stop(start + 0.16);
    }
  }

  function alert(title: string, body: string, conversationId: string): void {
    if (document.visibilityState === "visible") return;
    chime();
    if (!canNotify() || Notification.permission !== "granted") return;
    // The tag replaces an older notification of the same conversation instead of stacking.
    const n = new Notification(title, { body, tag: conversationId });
    n.onclick = () => {
      window.focus();
      state.select(conversationId);
      n.close();
    };
  }

  rt.on("incoming", ({ message, live }) => {
    if (!live || message.sender.type !== "visitor") return;
    const c = state.info(message.conversationId);
    if (c && c.status === "open" && c.agent?.id !== state.me.id && state.me.role !== "admin") return;
    alert(message.sender.name, message.attachment ? `📎 ${message.attachment.name}` : preview(message.body, 140), message.conversationId);
  });
  rt.on("conversation", (c: Conversation) => {
    if (c.status !== "waiting" || knownWaiting.has(c.id)) return;
    knownWaiting.add(c.id);
    if (Date.parse(c.createdAt) < loadedAt) return;
    alert(t("js.newVisitor"), c.visitor.name, c.id);
  });

  function title(): void {
    let n = 0;
    for (const c of [...state.conversations("mine"), ...state.conversations("waiting")]) n += state.unread(c.id);
    const t = n ? `(${n > 99 ? "99+" : n}) ${BASE_TITLE}` : BASE_TITLE;
    if (document.title !== t) document.title = t;
  }
  state.on("change", title);
  document.addEventListener("visibilitychange", title);
}
