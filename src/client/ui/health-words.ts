// A visitor's connection health in words, for the agent: what kind of link, what went
// wrong lately, and what it means for the chat ("mobile link, 3 reconnects in 5 min,
// RTT 900 ms: messages may lag"). Pure: the panel passes what the server measured.
// Thresholds are link-status.ts's (good under 300 ms, poor over 1 s).
import type { Presence } from "../../events.js";

export interface HealthFacts {
  presence: Presence;
  rttHistory: readonly number[];
  rttMs: number | null;
  recentReconnects: number;
  transport: string | null;
  userAgent: string | null;
  /** A heartbeat the visitor's browser learned to keep under its path's idle cut. */
  keepaliveMs?: number | null;
}

const median = (xs: readonly number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export type HealthLang = "en" | "zh";

// The words per language: the panel passes the agent's (the page's <html lang>).
const WORDS = {
  en: {
    offline: "Not connected: your messages wait for the visitor and reach them when they are back (or by email).",
    mobile: "mobile link", desktop: "desktop link", polling: "long-polling (WebSocket blocked on the way)",
    reconnects: (n: number) => `${n} reconnects in 5 min`, rtt: (ms: number) => `RTT ${ms} ms`,
    keepalive: (s: number) => `its network cuts idle links, heartbeat every ${s} s`,
    fine: "messages arrive at once", bad: "messages may lag, and typing and read receipts arrive late",
    slow: "chat works, a little slowly", unmeasured: "no round trip measured yet",
    join: (parts: string[], meaning: string) => { const t = `${parts.join(", ")}: ${meaning}.`; return t.charAt(0).toUpperCase() + t.slice(1); },
  },
  zh: {
    offline: "未连接：您的消息会等待访客，在其回来时送达（或通过邮件）。",
    mobile: "移动网络", desktop: "桌面网络", polling: "长轮询（途中 WebSocket 被阻断）",
    reconnects: (n: number) => `5 分钟内重连 ${n} 次`, rtt: (ms: number) => `RTT ${ms} 毫秒`,
    keepalive: (s: number) => `其网络会断开空闲连接，每 ${s} 秒发送心跳`,
    fine: "消息即时送达", bad: "消息可能延迟，输入状态和已读回执会晚到",
    slow: "聊天可用，稍慢", unmeasured: "尚未测到往返时间",
    join: (parts: string[], meaning: string) => `${parts.join("，")}：${meaning}。`,
  },
};

export function describeHealth(h: HealthFacts, lang: HealthLang = "en"): { text: string; level: "ok" | "warn" | "bad" } {
  const w = WORDS[lang] ?? WORDS.en;
  if (h.presence === "offline" || h.presence === "left") return { text: w.offline, level: "warn" };
  const mobile = /Mobi|Android|iPhone|iPad/i.test(h.userAgent ?? "");
  const parts = [mobile ? w.mobile : w.desktop];
  const rtt = median(h.rttHistory) ?? h.rttMs;
  if (h.transport === "polling") parts.push(w.polling);
  if (h.recentReconnects >= 2) parts.push(w.reconnects(h.recentReconnects));
  if (rtt != null) parts.push(w.rtt(rtt));
  if (h.keepaliveMs) parts.push(w.keepalive(Math.round(h.keepaliveMs / 1000)));

  let level: "ok" | "warn" | "bad" = "ok";
  let meaning = w.fine;
  if (h.presence === "unstable" || h.recentReconnects >= 3 || (rtt != null && rtt > 1000)) {
    level = "bad";
    meaning = w.bad;
  } else if (h.recentReconnects >= 2 || (rtt != null && rtt > 300) || h.transport === "polling") {
    level = "warn";
    meaning = w.slow;
  } else if (rtt == null) {
    meaning = w.unmeasured;
  }
  return { text: w.join(parts, meaning), level };
}
