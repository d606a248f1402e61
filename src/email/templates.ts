// The emails' words (English and Chinese) and their EJS templates (views/email), each
// rendered to an HTML and a plain-text part. Compiled once; rendering is synchronous.
import { readFileSync } from "node:fs";
import path from "node:path";
import ejs from "ejs";
import type { EmailLang } from "./email.rules.js";
import type { OutgoingEmail } from "./mail.transport.js";

const dir = path.resolve(import.meta.dirname, "../../views/email");
const compile = (name: string) => ejs.compile(readFileSync(path.join(dir, name), "utf8"), { filename: path.join(dir, name) });
const views = {
  followupHtml: compile("followup.html.ejs"), followupText: compile("followup.text.ejs"),
  waitingHtml: compile("waiting.html.ejs"), waitingText: compile("waiting.text.ejs"),
};

const list = (names: string[], and: string, sep: string) =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(sep)}${and}${names[names.length - 1]}`;

const STRINGS = {
  en: {
    htmlLang: "en",
    subject: (agents: string[]) => `${list(agents, " and ", ", ")} replied to your message`,
    greeting: (name: string | null) => (name ? `Hi ${name},` : "Hi,"),
    intro: (agents: string[], n: number) =>
      `${list(agents, " and ", ", ")} answered you in the chat. ${n === 1 ? "Here is the message" : `Here are the ${n} messages`} you have not seen yet:`,
    attachment: "attachment, open the chat to see it",
    button: "Continue the conversation",
    linkNote: "The button opens your conversation with its whole history, on any device, for 7 days.",
    why: "You get this email because you left your address in our chat and did not see these replies.",
    unsubscribe: "Stop these emails",
    locale: "en-GB",
  },
  zh: {
    htmlLang: "zh-CN",
    subject: (agents: string[]) => `${list(agents, "和", "、")}回复了您的消息`,
    greeting: (name: string | null) => (name ? `${name}，您好：` : "您好："),
    intro: (agents: string[], n: number) => `${list(agents, "和", "、")}在对话中回复了您。以下是您尚未查看的 ${n} 条消息：`,
    attachment: "附件，请打开对话查看",
    button: "继续对话",
    linkNote: "该按钮会在任何设备上打开您的对话及完整记录，7 天内有效。",
    why: "您收到此邮件，是因为您在我们的在线客服中留下了邮箱地址，且尚未查看这些回复。",
    unsubscribe: "不再接收此类邮件",
    locale: "zh-CN",
  },
};

export interface FollowupInput {
  lang: EmailLang; timezone?: string | null; brand: string; to: string; visitorName: string | null; resumeUrl: string; unsubscribeUrl: string; oneClickUrl: string;
  messages: { sender: string; type: string; body: string; createdAt: Date }[];
}

export function renderFollowup(i: FollowupInput): OutgoingEmail {
  const s = STRINGS[i.lang];
  const agents = [...new Set(i.messages.map((m) => m.sender))];
  const time = formatter(s.locale, i.timezone);
  const messages = i.messages.map((m) => ({ sender: m.sender, body: m.body, attachment: m.type === "image" || m.type === "file", time: time.format(m.createdAt) }));
  const subject = s.subject(agents);
  const data = { s, brand: i.brand, subject, agents, visitorName: i.visitorName, messages, resumeUrl: i.resumeUrl, unsubscribeUrl: i.unsubscribeUrl };
  return {
    to: i.to, subject, html: views.followupHtml(data), text: views.followupText(data),
    // RFC 8058 one-click unsubscribe: mail clients show their own button, which POSTs.
    headers: { "List-Unsubscribe": `<${i.oneClickUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

/** Times in the visitor's own timezone when the page sent a valid one, else UTC. */
function formatter(locale: string, timeZone?: string | null) {
  const opts = { dateStyle: "medium", timeStyle: "short" } as const;
  try {
    if (timeZone) return new Intl.DateTimeFormat(locale, { ...opts, timeZone });
  } catch {
    /* an unknown zone: fall through */
  }
  return new Intl.DateTimeFormat(locale, { ...opts, timeZone: "UTC" });
}

export interface WaitingInput {
  brand: string; to: string; agentName: string; visitor: string; firstMessage: string | null; consoleUrl: string;
}

export function renderWaiting(i: WaitingInput): OutgoingEmail {
  const subject = `${i.visitor} is waiting, no agent online`;
  const data = { ...i, subject, firstMessage: i.firstMessage?.slice(0, 500) ?? null };
  return { to: i.to, subject, html: views.waitingHtml(data), text: views.waitingText(data) };
}
