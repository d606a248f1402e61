// The pure rules of the connection test, the adaptive keepalive and the health in words.
import assert from "node:assert/strict";
import { networkOf, reportId, summarise } from "../../src/diagnostics/diagnostics.rules.js";
import { findings, idleCut, rttStats, type DiagnosticResults } from "../../src/diagnostics/findings.rules.js";
import { describe as word } from "../../src/diagnostics/findings.text.js";
import { learnedInterval } from "../../src/client/runtime/keepalive.js";
import { describeHealth } from "../../src/client/ui/health-words.js";

const good: DiagnosticResults = {
  websocket: { ok: true, ms: 20 }, polling: { ok: true, ms: 30 }, upgrade: { ok: true },
  rtt: { samples: [40, 42, 41, 45, 39, 40], lost: 0 }, throughput: { downKbps: 50_000, upKbps: 20_000 },
  clockOffsetMs: 120, idle: [{ afterSec: 15, survived: true }, { afterSec: 30, survived: true }],
};
const codes = (r: DiagnosticResults) => findings(r).map((f) => f.code);

describe("connection test rules", () => {
  it("finds nothing wrong with a good link", () => {
    assert.deepEqual(codes(good), ["healthy", "idle_ok"]);
  });

  it("names each problem", () => {
    assert.deepEqual(codes({ ...good, websocket: { ok: false, error: "x" } }), ["ws_blocked", "idle_ok"]);
    assert.deepEqual(codes({ ...good, upgrade: { ok: false } }), ["ws_downgraded", "idle_ok"]);
    assert.deepEqual(codes({ ...good, websocket: { ok: false }, polling: { ok: false } }), ["unreachable"]);
    assert.ok(codes({ ...good, rtt: { samples: [1200, 1300, 1250], lost: 0 } }).includes("rtt_high"));
    assert.ok(codes({ ...good, rtt: { samples: [400, 420, 410], lost: 0 } }).includes("rtt_fair"));
    assert.ok(codes({ ...good, rtt: { samples: [100, 700, 120, 650, 90, 800], lost: 0 } }).includes("jitter_high"));
    assert.ok(codes({ ...good, rtt: { samples: [40, 40, 40], lost: 2 } }).includes("loss"));
    assert.ok(codes({ ...good, throughput: { downKbps: 100, upKbps: 50 } }).includes("slow_down"));
    assert.ok(codes({ ...good, clockOffsetMs: -300_000 }).includes("clock_off"));
  });

  it("finds the idle cut between the longest silence that survived and the shortest that did not", () => {
    const idle = [{ afterSec: 15, survived: true }, { afterSec: 30, survived: true }, { afterSec: 60, survived: false }, { afterSec: 120, survived: false }];
    assert.deepEqual(idleCut(idle), { afterSec: 60, survivedSec: 30 });
    const f = findings({ ...good, idle }).find((x) => x.code === "idle_cut")!;
    assert.deepEqual(f.values, { s: 60, hb: 10 }, "the transport's pings (every 10 s) already keep it busy");
    assert.equal(word(f, "en"), "Your network closes idle connections after about 60 s; chat will keep a heartbeat under that (every 10 s).");
    // Pings every 25 s: the client learns a heartbeat at 60 % of the 15 s that survived.
    const slowPings = findings({ ...good, idle: [{ afterSec: 15, survived: true }, { afterSec: 30, survived: false }] }, { pingSec: 25, floorSec: 5 });
    assert.deepEqual(slowPings.find((x) => x.code === "idle_cut")!.values, { s: 30, hb: 9 });
    // A cut sooner than the heartbeat can go: said so, not promised away.
    const short = findings({ ...good, idle: [{ afterSec: 1, survived: true }, { afterSec: 4, survived: false }] });
    const s = short.find((x) => x.code === "idle_cut_short")!;
    assert.equal(s.severity, "bad");
    assert.equal(word(s, "en"), "Your network closes idle connections after about 4 s, sooner than chat's shortest heartbeat (5 s): expect the chat to drop and reconnect now and then.");
    assert.match(word(f, "zh"), /空闲约 60 秒后/);
    assert.equal(idleCut([{ afterSec: 15, survived: true }]), null);
  });

  it("summarises round trips with jitter as the mean change between samples", () => {
    assert.deepEqual(rttStats([100, 200, 100, 200]), { p50: 100, p90: 200, max: 200, jitter: 100, n: 4 });
    assert.equal(rttStats([]), null);
  });

  it("makes ids that can be read out, and keeps only the network of an address", () => {
    const id = reportId(Uint8Array.from([0, 1, 2, 3, 31, 32, 33, 255]));
    assert.match(id, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    assert.equal(id, "2345-Z23Z");
    assert.equal(networkOf("203.0.113.77"), "203.0.113.0/24");
    assert.equal(networkOf("::ffff:10.1.2.3"), "10.1.2.0/24");
    assert.equal(networkOf("2001:db8:abcd:12::1"), "2001:db8:abcd::/48");
    assert.equal(networkOf(undefined), "unknown");
    assert.deepEqual(summarise({ ...good, websocket: { ok: false } }), { transport: "polling", rttP50Ms: 40, idleCutSec: null });
  });
});

describe("adaptive keepalive", () => {
  it("learns a heartbeat under an idle cut seen twice, within the server's floor", () => {
    assert.equal(learnedInterval([3000], { currentMs: 25_000, minMs: 1000 }), null, "one drop says nothing");
    assert.equal(learnedInterval([3000, 3100], { currentMs: 25_000, minMs: 1000 }), 1800);
    assert.equal(learnedInterval([60_000, 3000, 3200], { currentMs: 25_000, minMs: 1000 }), 1800);
    assert.equal(learnedInterval([3000, 3100], { currentMs: 25_000, minMs: 2500 }), 2500, "never below the floor");
    assert.equal(learnedInterval([3000, 9000], { currentMs: 25_000, minMs: 1000 }), null, "drops at different times are not an idle cut");
    assert.equal(learnedInterval([3000, 3100], { currentMs: 25_000, minMs: 25_000 }), null, "the server allows no adaptation");
    assert.equal(learnedInterval([50_000, 50_000], { currentMs: 25_000, minMs: 1000 }), null, "the heartbeat is already under it");
  });
});

describe("connection health in words", () => {
  const base = { presence: "online" as const, rttHistory: [40, 50, 45], rttMs: 45, recentReconnects: 0, transport: "websocket", userAgent: "Mozilla/5.0 (X11; Linux x86_64)" };
  it("says what a link means for the chat", () => {
    assert.deepEqual(describeHealth(base), { text: "Desktop link, RTT 45 ms: messages arrive at once.", level: "ok" });
    assert.deepEqual(describeHealth({ ...base, userAgent: "Mozilla/5.0 (iPhone) Mobile", rttHistory: [900, 950, 880], recentReconnects: 3 }), {
      text: "Mobile link, 3 reconnects in 5 min, RTT 900 ms: messages may lag, and typing and read receipts arrive late.", level: "bad",
    });
    assert.equal(describeHealth({ ...base, transport: "polling" }).level, "warn");
    assert.match(describeHealth({ ...base, keepaliveMs: 1800 }).text, /cuts idle links, heartbeat every 2 s/);
    assert.equal(describeHealth({ ...base, presence: "offline" }).level, "warn");
  });

  it("says it in Chinese for an agent who chose zh-CN", () => {
    assert.deepEqual(describeHealth({ ...base, userAgent: "Mozilla/5.0 (iPhone) Mobile", rttHistory: [900, 950, 880], recentReconnects: 3 }, "zh"), {
      text: "移动网络，5 分钟内重连 3 次，RTT 900 毫秒：消息可能延迟，输入状态和已读回执会晚到。", level: "bad",
    });
  });
});
