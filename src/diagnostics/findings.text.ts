// The findings in words, English and Simplified Chinese: what happened and what chat
// does about it, in the terms a visitor or an agent uses (no "RTT", no "NAT").
import type { Finding, FindingCode } from "./findings.rules.js";

export type DiagLang = "en" | "zh";

type Texts = Record<FindingCode, (v: Record<string, number>) => string>;

const en: Texts = {
  healthy: () => "Your connection looks fine for chat.",
  unreachable: () => "This browser could not reach the chat server at all: a firewall, a proxy or the network blocks it.",
  ws_blocked: () => "WebSockets are blocked on your network (a proxy or firewall refuses them). Chat falls back to long-polling: it works, with a little more delay.",
  ws_downgraded: () => "A proxy on your network keeps connections on long-polling instead of letting them switch to WebSocket. Chat works, with a little more delay.",
  polling_failed: () => "Long-polling, the fallback, does not work here. Chat works while WebSockets do.",
  rtt_high: (v) => `Round trips to the server take about ${v.ms} ms: messages will arrive with a noticeable delay.`,
  rtt_fair: (v) => `Round trips to the server take about ${v.ms} ms: chat works, a little slowly.`,
  jitter_high: (v) => `The delay varies a lot (about ${v.ms} ms from one moment to the next): messages may arrive in bursts.`,
  loss: (v) => `${v.percent} % of test messages got no answer: the link drops data; chat resends what is lost.`,
  slow_down: (v) => `Downloads run at about ${v.kbps} kbit/s: images and files will load slowly.`,
  slow_up: (v) => `Uploads run at about ${v.kbps} kbit/s: sending images and files will be slow.`,
  clock_off: (v) => `This device's clock is ${Math.abs(v.s)} s ${v.s > 0 ? "behind" : "ahead"}: message times may look wrong.`,
  idle_cut: (v) => `Your network closes idle connections after about ${v.s} s; chat will keep a heartbeat under that (every ${v.hb} s).`,
  idle_cut_short: (v) => `Your network closes idle connections after about ${v.s} s, sooner than chat's shortest heartbeat (${v.floor} s): expect the chat to drop and reconnect now and then.`,
  idle_ok: (v) => `Idle connections stayed open for ${v.s} s: no idle cut was found.`,
};

const zh: Texts = {
  healthy: () => "您的网络连接适合聊天。",
  unreachable: () => "浏览器完全无法连接到聊天服务器：防火墙、代理或网络阻止了连接。",
  ws_blocked: () => "您的网络阻止了 WebSocket（代理或防火墙拒绝）。聊天会改用长轮询：可以正常使用，但会稍有延迟。",
  ws_downgraded: () => "您网络中的代理让连接停留在长轮询，无法切换到 WebSocket。聊天可以使用，但会稍有延迟。",
  polling_failed: () => "备用方式长轮询在这里无法使用。只要 WebSocket 正常，聊天就能使用。",
  rtt_high: (v) => `与服务器往返一次约需 ${v.ms} 毫秒：消息会有明显延迟。`,
  rtt_fair: (v) => `与服务器往返一次约需 ${v.ms} 毫秒：聊天可以使用，但稍慢。`,
  jitter_high: (v) => `延迟波动很大（前后相差约 ${v.ms} 毫秒）：消息可能会成批到达。`,
  loss: (v) => `${v.percent}% 的测试消息没有收到回应：链路会丢失数据，聊天会重发丢失的内容。`,
  slow_down: (v) => `下载速度约为 ${v.kbps} kbit/s：图片和文件加载会较慢。`,
  slow_up: (v) => `上传速度约为 ${v.kbps} kbit/s：发送图片和文件会较慢。`,
  clock_off: (v) => `此设备的时钟${v.s > 0 ? "慢了" : "快了"} ${Math.abs(v.s)} 秒：消息时间可能显示不准确。`,
  idle_cut: (v) => `您的网络会在连接空闲约 ${v.s} 秒后将其断开；聊天会保持低于该时长的心跳（每 ${v.hb} 秒一次）。`,
  idle_cut_short: (v) => `您的网络会在连接空闲约 ${v.s} 秒后将其断开，比聊天最短的心跳间隔（${v.floor} 秒）还短：聊天会不时断开并重新连接。`,
  idle_ok: (v) => `空闲连接保持了 ${v.s} 秒未被断开：没有发现空闲断开。`,
};

export const languageOf = (tag: string | null | undefined): DiagLang => (/^zh\b/i.test(tag ?? "") ? "zh" : "en");

export function describe(f: Finding, lang: DiagLang): string {
  return (lang === "zh" ? zh : en)[f.code](f.values);
}
