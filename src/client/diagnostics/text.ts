// The page's own words (the findings have theirs: diagnostics/findings.text.ts).
import type { DiagLang } from "../../diagnostics/findings.text.js";

const en = {
  title: "Connection test",
  intro: "This page tests the link between this browser and the chat server, the way chat uses it. It takes about {n} min; keep this tab open.",
  start: "Start the test",
  again: "Run it again",
  stepWs: "WebSocket",
  stepPolling: "Long-polling (the fallback)",
  stepUpgrade: "Switch from long-polling to WebSocket",
  stepRtt: "Round trips over {n} s",
  stepSpeed: "Download and upload speed",
  stepIdle: "Idle connections held {list} s",
  waiting: "waiting",
  running: "running…",
  works: "works ({ms} ms)",
  fails: "does not work",
  yes: "yes",
  no: "no",
  skipped: "skipped: WebSocket does not work",
  rtt: "median {p50} ms, 90 % under {p90} ms, jitter {jitter} ms, {lost} lost",
  speed: "down {down} kbit/s, up {up} kbit/s",
  idleSurvived: "{s} s: stayed open",
  idleCut: "{s} s: cut",
  findings: "What we found",
  saved: "Your test id is {id}. Read it out or send it to the support team: they can see the full result.",
  savedLinked: "Your test id is {id}. The support team you are chatting with can see the result.",
  notSaved: "The result could not be saved: {why}",
  copy: "Copy",
  clock: "clock offset {s} s",
};
const zh: typeof en = {
  title: "连接测试",
  intro: "此页面按照聊天实际使用的方式，测试此浏览器与聊天服务器之间的连接。大约需要 {n} 分钟，请保持此标签页打开。",
  start: "开始测试",
  again: "重新测试",
  stepWs: "WebSocket",
  stepPolling: "长轮询（备用方式）",
  stepUpgrade: "从长轮询切换到 WebSocket",
  stepRtt: "{n} 秒内的往返时间",
  stepSpeed: "下载和上传速度",
  stepIdle: "空闲连接保持 {list} 秒",
  waiting: "等待中",
  running: "测试中…",
  works: "正常（{ms} 毫秒）",
  fails: "无法使用",
  yes: "是",
  no: "否",
  skipped: "已跳过：WebSocket 无法使用",
  rtt: "中位数 {p50} 毫秒，90% 低于 {p90} 毫秒，抖动 {jitter} 毫秒，丢失 {lost} 个",
  speed: "下载 {down} kbit/s，上传 {up} kbit/s",
  idleSurvived: "{s} 秒：保持连接",
  idleCut: "{s} 秒：被断开",
  findings: "测试结果",
  saved: "您的测试编号是 {id}。请把它告诉或发送给客服团队：他们可以查看完整结果。",
  savedLinked: "您的测试编号是 {id}。正在与您聊天的客服团队可以查看结果。",
  notSaved: "结果无法保存：{why}",
  copy: "复制",
  clock: "时钟偏差 {s} 秒",
};

export type TextKey = keyof typeof en;
export function text(lang: DiagLang) {
  const dict = lang === "zh" ? zh : en;
  return (key: TextKey, v: Record<string, string | number> = {}) => dict[key].replace(/\{(\w+)\}/g, (_, k: string) => String(v[k] ?? ""));
}
