// The panel's connection part: presence and RTT with its sparkline, the health in words
// (ui/health-words.ts), the figures, the devices (with a heartbeat learned under an idle
// cut), and the visitor's connection tests (/diagnostics), each a link to its report.
import type { Presence } from "../../events.js";
import { el } from "../ui/dom.js";
import { describeHealth } from "../ui/health-words.js";
import { linkQuality } from "../ui/link-status.js";
import { ago, dateTime } from "./format.js";
import { t } from "./i18n.js";

export interface Device {
  socketId: string;
  transport: string;
  reconnects: number;
  connectedAt: number;
  keepaliveMs?: number;
}
export interface Health {
  presence: Presence; rttMs: number | null; rttHistory: number[]; reconnects: number; recentReconnects: number;
  transport: string | null; devices: Device[]; lastTrafficAt: number | null;
}
export interface ConnectionTest {
  id: string; createdAt: string; transport: string; rttP50Ms: number | null; idleCutSec: number | null; worst: "ok" | "warn" | "bad";
}

const $ = (id: string) => document.getElementById(id)!;

export function fact(dt: string, dd: string | Node, title?: string): HTMLElement[] {
  const d = el("dd", { title }, dd);
  return [el("dt", { text: dt }), d];
}

function spark(svg: SVGSVGElement, values: number[]): void {
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  if (values.length < 2) return;
  const max = Math.max(200, ...values);
  const pts = values.map((v, i) => `${((i / (values.length - 1)) * 200).toFixed(1)},${(38 - (v / max) * 36).toFixed(1)}`).join(" ");
  const limit = document.createElementNS(ns, "line");
  const y = (38 - (800 / max) * 36).toFixed(1);
  for (const [k, v] of [["x1", "0"], ["x2", "200"], ["y1", y], ["y2", y], ["class", "spark__limit"]]) limit.setAttribute(k, v);
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", pts);
  line.setAttribute("class", "spark__line");
  if (max >= 800) svg.append(limit);
  svg.append(line);
}

export function renderHealth(presence: Presence, rttMs: number | null, h: Health, userAgent: string | null, tests: ConnectionTest[]): void {
  const badge = $("h-presence");
  badge.textContent = t(`js.presence.${presence}`);
  badge.className = `badge badge--${presence}`;
  const rtt = $("h-rtt");
  rtt.textContent = rttMs == null ? "RTT —" : `RTT ${rttMs} ms`;
  rtt.dataset.quality = linkQuality(rttMs);
  const keepaliveMs = h.devices.find((d) => d.keepaliveMs)?.keepaliveMs ?? null;
  const words = describeHealth({ ...h, presence, rttMs, userAgent, keepaliveMs }, document.documentElement.lang.startsWith("zh") ? "zh" : "en");
  const w = $("h-words");
  w.textContent = words.text;
  w.dataset.level = words.level;
  spark($("h-spark") as unknown as SVGSVGElement, h.rttHistory);
  const hist = [...h.rttHistory].sort((a, b) => a - b);
  $("h-spark-label").textContent = hist.length
    ? t("js.sparkLabel", { n: hist.length, min: hist[0], median: hist[Math.floor(hist.length / 2)], max: hist[hist.length - 1] })
    : t("js.noRtt");
  $("h-facts").replaceChildren(
    ...fact(t("js.fact.reconnects"), t("js.reconnectsFact", { total: h.reconnects, recent: h.recentReconnects })),
    ...fact(t("js.fact.transport"), h.transport ?? "—"),
    ...fact(t("js.fact.lastTraffic"), h.lastTrafficAt ? ago(h.lastTrafficAt) : "—"),
    ...fact(t("js.fact.devices"), String(h.devices.length)),
  );
  $("h-devices").replaceChildren(...h.devices.map((d) => el("li", {
    text: t("js.device", { transport: d.transport, ago: ago(d.connectedAt), n: d.reconnects }) + (d.keepaliveMs ? t("js.heartbeat", { s: Math.round(d.keepaliveMs / 100) / 10 }) : ""),
  })));
  $("h-tests-title").hidden = tests.length === 0;
  $("h-tests").replaceChildren(...tests.map((test) => el("li", {},
    el("a", { href: `/agent/diagnostics/${encodeURIComponent(test.id)}`, target: "_blank", rel: "noopener", class: `diag-link diag-link--${test.worst}`, "data-id": test.id, text: test.id }),
    el("span", { class: "muted small", text: ` ${dateTime(test.createdAt)} · ${test.transport}${test.rttP50Ms != null ? ` · ${test.rttP50Ms} ms` : ""}${test.idleCutSec ? t("js.idleCut", { s: test.idleCutSec }) : ""}` }))));
}
