// /diagnostics: runs the connection test in this browser and shows each step as it goes,
// then the findings in the visitor's language, then stores the result under a short id.
// The idle probes run beside the other steps (they are silent sockets), so the whole test
// takes about as long as its longest idle probe.
import { findings, rttStats, type DiagnosticResults, type ProbeResult } from "../../diagnostics/findings.rules.js";
import { describe, languageOf } from "../../diagnostics/findings.text.js";
import { byId as $, el } from "../ui/dom.js";
import { connect, idleProbe, roundTrips, throughput, upgrades } from "./probes.js";
import { text } from "./text.js";

const root = $("diagnostics");
const params = new URLSearchParams(location.search);
const lang = languageOf(params.get("lang") ?? root.dataset.lang ?? navigator.language);
const t = text(lang);
const idleList = (root.dataset.idle ?? "15,30,60,120").split(",").map(Number).filter((n) => n > 0);
const rttSeconds = Math.min(60, Math.max(3, Number(params.get("seconds")) || 30));
const ticket = params.get("t") ?? undefined;
document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";

function row(id: string, label: string) {
  const value = el("span", { class: "diag-step__value", text: t("waiting") });
  const li = el("li", { class: "diag-step", "data-step": id, "data-state": "waiting" }, el("span", { class: "diag-step__label", text: label }), value);
  return { li, set: (state: "running" | "ok" | "bad" | "warn", v: string) => ((li.dataset.state = state), (value.textContent = v)) };
}

function render() {
  $("diag-title").textContent = t("title");
  $("diag-intro").textContent = t("intro", { n: Math.max(1, Math.ceil(Math.max(rttSeconds + 10, ...idleList) / 60)) });
  const start = $<HTMLButtonElement>("diag-start");
  start.textContent = t("start");
  start.addEventListener("click", () => void run(start));
  if (params.get("auto") === "1") void run(start);
}

async function run(button: HTMLButtonElement) {
  button.disabled = true;
  const steps = {
    ws: row("websocket", t("stepWs")), polling: row("polling", t("stepPolling")), upgrade: row("upgrade", t("stepUpgrade")),
    rtt: row("rtt", t("stepRtt", { n: rttSeconds })), speed: row("speed", t("stepSpeed")), idle: row("idle", t("stepIdle", { list: idleList.join(", ") })),
  };
  const list = $("diag-steps");
  list.replaceChildren(...Object.values(steps).map((s) => s.li));
  $("diag-findings").replaceChildren();
  $("diag-result").replaceChildren();

  steps.ws.set("running", t("running"));
  const ws = await connect(["websocket"]);
  steps.ws.set(ws.socket ? "ok" : "bad", ws.socket ? t("works", { ms: ws.ms }) : `${t("fails")} (${ws.error})`);
  // Idle probes start now and run beside the rest.
  steps.idle.set("running", t("running"));
  const idle: Promise<ProbeResult[]> = ws.socket
    ? Promise.all(idleList.map((s) => idleProbe(s))).then((r) => r.filter((p): p is ProbeResult => p !== null))
    : Promise.resolve([]);

  steps.polling.set("running", t("running"));
  const polling = await connect(["polling"]);
  steps.polling.set(polling.socket ? "ok" : "bad", polling.socket ? t("works", { ms: polling.ms }) : `${t("fails")} (${polling.error})`);
  steps.upgrade.set("running", t("running"));
  const upgraded = polling.socket ? await upgrades() : false;
  steps.upgrade.set(upgraded ? "ok" : "warn", upgraded ? t("yes") : t("no"));

  const best = ws.socket ?? polling.socket;
  if (ws.socket && polling.socket) polling.socket.close();
  steps.rtt.set("running", t("running"));
  const rtt = best ? await roundTrips(best, rttSeconds, (ms) => steps.rtt.set("running", `${ms} ms…`)) : { samples: [], lost: 0, clockOffsetMs: null };
  best?.close();
  const s = rttStats(rtt.samples);
  steps.rtt.set(s ? "ok" : "bad", s ? t("rtt", { ...s, lost: rtt.lost }) + (rtt.clockOffsetMs != null ? ` · ${t("clock", { s: (rtt.clockOffsetMs / 1000).toFixed(1) })}` : "") : t("fails"));

  steps.speed.set("running", t("running"));
  const speed = await throughput();
  steps.speed.set(speed.downKbps != null ? "ok" : "bad", t("speed", { down: speed.downKbps ?? "—", up: speed.upKbps ?? "—" }));

  const probes = await idle;
  steps.idle.set(
    probes.some((p) => !p.survived) ? "warn" : probes.length ? "ok" : "bad",
    probes.length ? probes.map((p) => t(p.survived ? "idleSurvived" : "idleCut", { s: p.afterSec })).join(" · ") : t("skipped"),
  );

  const results: DiagnosticResults = {
    websocket: { ok: !!ws.socket, ms: ws.ms, ...(ws.error ? { error: ws.error } : {}) },
    polling: { ok: !!polling.socket, ms: polling.ms, ...(polling.error ? { error: polling.error } : {}) },
    upgrade: { ok: upgraded },
    rtt: { samples: rtt.samples, lost: rtt.lost },
    throughput: speed,
    clockOffsetMs: rtt.clockOffsetMs,
    idle: probes,
  };
  showFindings(results);
  await save(results);
  button.textContent = t("again");
  button.disabled = false;
}

function showFindings(results: DiagnosticResults) {
  const keepalive = { pingSec: Number(root.dataset.ping) || 10, floorSec: Number(root.dataset.floor) || 5 };
  $("diag-findings").replaceChildren(
    el("h2", { text: t("findings") }),
    el("ul", { class: "diag-findings" }, ...findings(results, keepalive).map((f) =>
      el("li", { class: `diag-finding diag-finding--${f.severity}`, "data-code": f.code, text: describe(f, lang) }))),
  );
}

async function save(results: DiagnosticResults) {
  const out = $("diag-result");
  const connection = (navigator as Navigator & { connection?: { effectiveType?: string } }).connection?.effectiveType;
  try {
    const r = await fetch("/api/diagnostics", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ results, ...(ticket ? { ticket } : {}), ...(connection ? { connection } : {}) }),
    });
    const body = (await r.json()) as { id?: string; error?: { message: string } };
    if (!r.ok || !body.id) throw new Error(body.error?.message ?? `HTTP ${r.status}`);
    const id = body.id;
    const copy = el("button", { class: "btn btn--small", type: "button", text: t("copy") });
    copy.addEventListener("click", () => void navigator.clipboard?.writeText(id).catch(() => {}));
    out.replaceChildren(el("p", { class: "diag-id", "data-id": id, text: t(ticket ? "savedLinked" : "saved", { id }) }), copy);
  } catch (err) {
    out.replaceChildren(el("p", { class: "notice notice--error", text: t("notSaved", { why: err instanceof Error ? err.message : String(err) }) }));
  }
}

render();
