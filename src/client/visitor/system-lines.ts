// The server stores its system lines (assigned, transferred, resolved...) once, in English,
// because the agent and the visitor read the same transcript. A Chinese visitor sees them
// in Chinese: the known shapes are matched here and re-worded. The shapes mirror
// src/assignment/system-messages.ts; test/widget/system-lines.test.ts keeps the two in step.
// The "no agent" line is the admin's offline message: its stock text is re-worded too.
// Anything not recognised (a future line, an old transcript) is shown as stored.

type Rule = [RegExp, (name: string) => string];

const zh: Rule[] = [
  [/^(.+) joined the conversation$/, (n) => `${n} 已加入对话`],
  [/^The conversation was transferred to (.+)$/, (n) => `对话已转接给 ${n}`],
  [/^The agent marked the conversation as resolved$/, () => "客服已将对话标记为已解决"],
  [/^(.+) marked the conversation as resolved$/, (n) => `${n} 已将对话标记为已解决`],
  [/^No agent is available right now\. Leave a message and we will get back to you here\.$/,
    () => "目前没有客服在线。请留言，我们会在这里回复您。"],
  // The admin's offline message as shipped (DEFAULT_WIDGET); one the admin wrote is theirs.
  [/^We are away right now\. Leave a message and we will get back to you here\.$/,
    () => "我们现在不在线。请留言，我们会在这里回复您。"],
  [/^The visitor left$/, () => "访客已离开"],
  [/^The conversation was resolved after a long silence\. Write again any time\.$/, () => "对话已因长时间无回复而结束。欢迎随时再次留言。"],
  [/^The agent is unavailable; waiting for the next agent$/, () => "客服暂时无法接待，正在等待下一位客服"],
  [/^(.+) is unavailable; waiting for the next agent$/, (n) => `${n} 暂时无法接待，正在等待下一位客服`],
];

/** The system line as the visitor should read it in `lang`; `own`: the admin's wording of
 *  a stored line for this language (the offline message of settings `translations`). */
export function systemLine(body: string, lang: string, own: Readonly<Record<string, string>> = {}): string {
  if (Object.hasOwn(own, body)) return own[body];
  if (lang !== "zh") return body;
  for (const [re, say] of zh) {
    const m = re.exec(body);
    if (m) return say(m[1] ?? "");
  }
  return body;
}
