// UI strings in English and Chinese, chosen from the browser's language. Messages
// themselves are never translated; only the chrome around them.

const en = {
  defaultTitle: "Chat with us",
  subtitleDefault: "We usually reply in a few minutes",
  agentOnline: "{name} is online",
  agentAway: "{name} is away right now",
  agentJoined: "You're chatting with {name}",
  connected: "Connected",
  connecting: "Connecting…",
  reconnecting: "Connection lost. Reconnecting in {n} s",
  reconnectingNow: "Connection lost. Reconnecting…",
  cantReach: "Can't reach the chat. Retrying in {n} s",
  cantReachNow: "Can't reach the chat. Retrying…",
  retryNow: "Retry now",
  offline: "You're offline. Messages will be sent when you're back online.",
  linkGood: "Connection: good",
  linkFair: "Connection: slow",
  linkPoor: "Connection: poor",
  linkUnknown: "Connection: measuring",
  linkNone: "Connection: not connected",
  placeholder: "Write a message…",
  send: "Send",
  attach: "Attach a file",
  close: "Close chat",
  pending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Not sent",
  failedTooLong: "Not sent: too long",
  failedInvalid: "Not sent: not accepted",
  retry: "Retry",
  remove: "Remove",
  typing: "{name} is typing…",
  someone: "Support",
  you: "You",
  noAgent: "No one is online right now. Leave a message and we'll get back to you here.",
  awaySubtitle: "We're away right now",
  leaveMessage: "Leave a message…",
  prechatTitle: "Introduce yourself",
  prechatHint: "Optional — so we know who we're talking to.",
  name: "Name",
  email: "Email",
  start: "Start chat",
  saved: "Thanks, {name}!",
  uploading: "Uploading {name}…",
  tooLarge: "That file is too large.",
  badType: "That type of file can't be sent.",
  uploadFailed: "The upload failed. Please try again.",
  sessionFailed: "Couldn't reach the chat. Retrying…",
  openImage: "Open image {name}",
  download: "Download {name}",
  poweredBy: "Powered by Holdfast",
  newMessages: "{n} new messages",
  emailInvalid: "Please enter a valid email address.",
};

export type Strings = typeof en;
export type StringKey = keyof Strings;

const zh: Strings = {
  defaultTitle: "联系我们",
  subtitleDefault: "我们通常会在几分钟内回复",
  agentOnline: "{name} 在线",
  agentAway: "{name} 暂时离开",
  agentJoined: "{name} 正在为您服务",
  connected: "已连接",
  connecting: "正在连接…",
  reconnecting: "连接已断开，{n} 秒后重新连接",
  reconnectingNow: "连接已断开，正在重新连接…",
  cantReach: "暂时无法连接，{n} 秒后重试",
  cantReachNow: "暂时无法连接，正在重试…",
  retryNow: "立即重试",
  offline: "您已离线。恢复网络后消息会自动发送。",
  linkGood: "网络状况：良好",
  linkFair: "网络状况：较慢",
  linkPoor: "网络状况：较差",
  linkUnknown: "网络状况：检测中",
  linkNone: "网络状况：未连接",
  placeholder: "输入消息…",
  send: "发送",
  attach: "添加附件",
  close: "关闭对话",
  pending: "发送中…",
  sent: "已发送",
  delivered: "已送达",
  read: "已读",
  failed: "发送失败",
  failedTooLong: "发送失败：消息太长",
  failedInvalid: "发送失败：消息无效",
  retry: "重试",
  remove: "删除",
  typing: "{name} 正在输入…",
  someone: "客服",
  you: "我",
  noAgent: "目前没有客服在线。请留言，我们会尽快在这里回复您。",
  awaySubtitle: "客服暂时不在线",
  leaveMessage: "请留言…",
  prechatTitle: "自我介绍一下",
  prechatHint: "选填，方便我们称呼和联系您。",
  name: "姓名",
  email: "邮箱",
  start: "开始对话",
  saved: "谢谢，{name}！",
  uploading: "正在上传 {name}…",
  tooLarge: "文件太大。",
  badType: "不支持发送此类型的文件。",
  uploadFailed: "上传失败，请重试。",
  sessionFailed: "暂时无法连接，正在重试…",
  openImage: "查看图片 {name}",
  download: "下载 {name}",
  poweredBy: "由 Holdfast 提供支持",
  newMessages: "{n} 条新消息",
  emailInvalid: "请输入有效的邮箱地址。",
};

/** "zh", "zh-CN", "zh-Hant-TW"… get Chinese; everything else English. */
export function pickLang(langs: readonly string[] = navigator.languages?.length ? navigator.languages : [navigator.language]): "en" | "zh" {
  for (const l of langs) {
    const base = (l || "").toLowerCase().split("-")[0];
    if (base === "zh") return "zh";
    if (base === "en") return "en";
  }
  return "en";
}

export type T = (key: StringKey, vars?: Record<string, string | number>) => string;

export function translator(lang: "en" | "zh"): T {
  const table = lang === "zh" ? zh : en;
  return (key, vars) => table[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars?.[k] ?? ""));
}
