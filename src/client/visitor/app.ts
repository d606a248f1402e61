// The visitor chat page (`/` and, inside the widget's iframe, `/?embed=1`). Wires the
// shared runtime to the view: transcript, status banner, link quality, typing,
// presence, the "no agent online" state, uploads, the pre-chat form and unread counts.
import { pickLang, translator } from "./i18n.js";
import { Runtime } from "../runtime/runtime.js";
import { UploadError, VisitorSession, type Profile } from "./session.js";
import { ParentBridge } from "./embed.js";
import { initial, MessageList } from "./messages.js";
import { wireComposer } from "./composer.js";
import { buildView, showRtt, showStatus, showToast } from "./view.js";
import { readConfig } from "./config.js";
import { applyTheme } from "../ui/theme.js";
import { forgetTranscript } from "../runtime/transcript-cache.js";
import { BannerState } from "../ui/link-status.js";
import { AgentAvailability } from "./availability.js";
import { CsatPrompt } from "./csat.js";
import { dropForeignTranscript } from "./identify.js";
import { adoptResumeLink } from "./resume.js";
import { wireSite } from "./site.js";

const STORAGE = "holdfast.visitor";
const TRANSCRIPT_KEY = `${STORAGE}.transcript`;

const root = document.getElementById("hf-app");
if (root) main(root);

function main(root: HTMLElement): void {
  const lang = pickLang();
  const cfg = readConfig(root, lang);
  const t = translator(lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  applyTheme(document.documentElement, cfg.color); // the page backdrop uses it too
  const title = cfg.title || t("defaultTitle");
  const v = buildView(t, { title, greeting: cfg.greeting || t("subtitleDefault"), embed: cfg.embed });

  adoptResumeLink(TRANSCRIPT_KEY); // an email's "continue the conversation" link
  const session = new VisitorSession((waiting) => showToast(v, waiting ? t("sessionFailed") : "", 0), () => site.reporter);
  dropForeignTranscript(TRANSCRIPT_KEY, session.token);
  const rt = new Runtime({ url: location.origin, namespace: "/visitor", token: () => session.token, storageKey: STORAGE, cacheTranscript: true });
  const ownLines = cfg.offlineMessage !== cfg.storedOfflineMessage ? { [cfg.storedOfflineMessage]: cfg.offlineMessage } : {};
  const list = new MessageList(t, lang, { retry: (id) => rt.retry(id), discard: (id) => rt.discard(id) }, ownLines);
  const bridge = new ParentBridge((open) => {
    render();
    if (open) void availability.check();
    // Not on touch screens: focusing would throw the keyboard over the chat at once.
    if (open && !matchMedia("(pointer: coarse)").matches) v.textarea.focus({ preventScroll: true });
  });
  const site = wireSite({ embed: cfg.embed, bridge, session, rt, storage: STORAGE, begin: (p) => begin(p), onIdentity: () => render() });
  const csat = new CsatPrompt(t, { token: () => session.token, socket: rt.conn.socket, changed: () => render() });
  v.scroll.append(list.root, csat.root);
  root.replaceChildren(v.header, v.banner, v.scroll, v.bottom);
  root.classList.add("hf-booted");
  v.close.addEventListener("click", () => {
    bridge.open = false;
    bridge.post({ type: "close" });
  });
  v.bannerRetry.addEventListener("click", () => rt.retryNow());
  rt.conn.socket.on("ready", (p) => {
    if (p.diagnosticsTicket) v.bannerTest.href = `/diagnostics?lang=${lang}&t=${encodeURIComponent(p.diagnosticsTicket)}`;
  });

  // The transcript follows new messages only while the reader is at the bottom.
  let stick = true;
  v.scroll.addEventListener("scroll", () => {
    stick = v.scroll.scrollHeight - v.scroll.scrollTop - v.scroll.clientHeight < 80;
  });
  const toBottom = () => stick && (v.scroll.scrollTop = v.scroll.scrollHeight);
  list.root.addEventListener("load", toBottom, true); // images change the height later

  let started = false;
  let prechatDone = false;
  const begin = (profile?: Profile) => {
    if (started) return;
    started = true;
    const p = profile ?? prechatValues();
    // An identity the widget announced comes first (identify.ts), and goes with the session.
    void site.gate.then(() => session.ensure({ ...p, ...site.profile() })).then(() => rt.start());
  };
  const prechatValues = (): Profile => (prechatDone ? {} : { name: v.name.value, email: v.email.value });

  const visible = () => document.visibilityState === "visible" && (!bridge.embedded || bridge.open);
  // Is anyone there? Known before the first message (no socket yet), kept roughly live.
  const availability = new AgentAvailability({ initial: cfg.available, initialChangeInMs: cfg.hoursChangeInMs, inView: visible, wanted: () => !rt.timeline.current()?.info?.agent,
    onChange: (available) => (bridge.post({ type: "availability", available }), render()) });
  // The launcher's dot. The cacheable embed page carries no availability (it would be
  // stale): ask at once, and leave the widget's own reading alone until the answer.
  if (availability.available === null) void availability.check();
  else bridge.post({ type: "availability", available: availability.available });
  rt.on("ready", () => (void availability.check(), void csat.refresh())); // every (re)connect
  let lastUnread = -1;
  let rendering = false;
  function render(): void {
    if (rendering) return; // markRead below re-enters through the `change` event
    rendering = true;
    try {
      const entries = rt.entries();
      list.render(entries);
      v.prechat.hidden = prechatDone || !!session.token || entries.length > 0 || site.named();
      const log = rt.timeline.current();
      const info = log?.info;
      const agent = info?.agent ?? null;
      // Nobody to answer: say so plainly, and keep taking messages for later. Not while
      // the transcript's last line is the server saying just that (no echo of it). Agents
      // online but all busy are not "away"; availability unknown: the server's last word.
      const open = availability.available;
      const away = !agent && (open === false || (open === null && info?.status === "waiting"));
      v.notice.hidden = !away || entries[entries.length - 1]?.message?.sender.type === "system";
      v.notice.textContent = cfg.offlineMessage || t("noAgent");
      v.textarea.placeholder = t(away ? "leaveMessage" : "placeholder");
      const presence = rt.status.state === "connected" ? (log?.peerPresence ?? null) : null; // stale while cut off
      const awake = presence === "online" || presence === "unstable";
      v.avatar.textContent = initial(agent?.name || title);
      v.presenceDot.hidden = !agent || !presence;
      v.presenceDot.dataset.presence = presence ?? "";
      v.subtitle.textContent = !agent
        ? t(away ? "awaySubtitle" : "subtitleDefault")
        : t(presence ? (awake ? "agentOnline" : "agentAway") : "agentJoined", { name: agent.name });
      if (log && visible()) rt.markRead(log.id);
      const unread = log ? log.messages().filter((m) => m.seq > rt.readPosition(log.id) && m.sender.type === "agent").length : 0;
      if (unread !== lastUnread) {
        lastUnread = unread;
        bridge.post({ type: "unread", count: unread });
        if (!bridge.embedded) document.title = unread ? `(${unread}) ${title}` : title;
      }
      toBottom();
    } finally {
      rendering = false;
    }
  }

  const banner = new BannerState(() => showStatus(v, t, rt.status, banner));
  rt.on("status", (s) => {
    root.dataset.status = s.state;
    banner.update(s);
    showStatus(v, t, s, banner);
    showRtt(v, t, rt.conn.rtt, s.state === "connected");
    render();
  });
  rt.on("rtt", (rtt) => showRtt(v, t, rtt, true));
  rt.on("change", render);
  rt.on("authError", () => {
    // A stored token the server no longer knows (database reset, expired): start over.
    session.forget();
    forgetTranscript(TRANSCRIPT_KEY); // it belonged to the refused identity
    started = false;
    begin({});
  });

  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const hideTyping = () => ((v.typing.hidden = true), clearTimeout(typingTimer));
  rt.on("typing", (p) => {
    if (!p.isTyping) return hideTyping();
    v.typingText.textContent = t("typing", { name: p.from.name || t("someone") });
    v.typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 6000); // typing events are volatile: never trust a stop
  });
  rt.on("incoming", ({ message, live }) => {
    if (message.sender.type === "agent") hideTyping();
    // Assignment and resolution reach visitors only as system messages: refresh the header.
    // An agent just assigned or handed the conversation is an available one: online (the
    // server says so when that changes, and on every reconnect).
    if (!live || message.sender.type !== "system") return;
    void availability.check(); // "no agent", requeued, resolved: who is there may have changed
    void csat.refresh(); // resolved: ask for a rating
    void session.conversation().then((c) => {
      if (!c) return;
      const log = rt.timeline.ensure(c.id);
      if (c.agent && c.agent.id !== log.info?.agent?.id) log.notePeer("online");
      rt.upsertConversation(c);
    });
  });

  wireComposer(v, {
    text: (body) => {
      stick = true;
      csat.hide(); // this message opens a new conversation
      rt.send({ type: "text", body });
      begin();
    },
    files: (files) => void uploadAll(files),
    typing: (on) => started && rt.setTyping(on),
  });

  async function uploadAll(files: File[]): Promise<void> {
    begin();
    for (const f of files) {
      showToast(v, t("uploading", { name: f.name }), 0);
      try {
        const a = await session.upload(f);
        showToast(v, "");
        stick = true;
        rt.send({ type: a.mime.startsWith("image/") ? "image" : "file", body: a.name, attachmentId: a.id, attachment: a });
      } catch (err) {
        showToast(v, t(err instanceof UploadError ? err.reason : "uploadFailed"));
      }
    }
  }

  v.prechat.addEventListener("submit", (e) => {
    e.preventDefault();
    if (v.email.value.trim() && !v.email.checkValidity()) {
      v.prechatError.textContent = t("emailInvalid");
      v.prechatError.hidden = false;
      return v.email.focus();
    }
    begin(prechatValues());
    prechatDone = true;
    render();
    v.textarea.focus();
  });

  document.addEventListener("visibilitychange", render);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && bridge.embedded && bridge.open) v.close.click();
  });
  showRtt(v, t, null, false);
  // A returning visitor, or messages typed before a reload: connect right away.
  if (session.token || rt.outbox.items().length) begin({});
  render();
}
