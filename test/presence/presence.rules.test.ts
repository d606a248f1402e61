// The pure state machine: presence and next deadline for given inputs and `now`.
import assert from "node:assert/strict";
import {
  evaluatePresence, recentReconnects, rttMayChange, smoothedRtt, type PresenceInput,
} from "../../src/presence/presence.rules.js";
import type { PresenceTimings } from "../../src/presence/presence.types.js";

const T: PresenceTimings = {
  offlineAfterMs: 30_000, releaseAfterMs: 120_000, unstableRttMs: 800, unstableReconnects: 3, reconnectWindowMs: 300_000,
};
const base: PresenceInput = { lastTrafficAt: 1_000_000, devices: 1, rtts: [], reconnectTimes: [], disconnectedSince: null };
const full = (dt: number, s: Partial<PresenceInput> = {}) => evaluatePresence({ ...base, ...s }, base.lastTrafficAt! + dt, T);
/** Presence and next deadline; fixedAt is checked in its own test. */
const at = (dt: number, s: Partial<PresenceInput> = {}) => {
  const { presence, nextAt } = full(dt, s);
  return { presence, nextAt };
};
const L = base.lastTrafficAt!;

describe("presence.rules", () => {
  it("is online with recent traffic, next deadline at offlineAfterMs", () => {
    assert.deepEqual(at(0), { presence: "online", nextAt: L + 30_000 });
    assert.deepEqual(at(29_999), { presence: "online", nextAt: L + 30_000 });
  });
  it("a stalled link (connected, no traffic) is offline at offlineAfterMs, left at releaseAfterMs", () => {
    assert.deepEqual(at(30_000), { presence: "offline", nextAt: L + 120_000 });
    assert.deepEqual(at(119_999), { presence: "offline", nextAt: L + 120_000 });
    assert.deepEqual(at(120_000), { presence: "left", nextAt: null });
  });
  it("never any traffic: offline, nothing due", () => {
    assert.deepEqual(evaluatePresence({ ...base, lastTrafficAt: null }, L, T), { presence: "offline", nextAt: null, fixedAt: null });
  });
  it("no device: unchanged within the grace (5 s), offline after it", () => {
    const gone = { devices: 0, disconnectedSince: L + 1_000 };
    assert.deepEqual(at(2_000, gone), { presence: "online", nextAt: L + 6_000 });
    assert.deepEqual(at(6_000, gone), { presence: "offline", nextAt: L + 120_000 });
    assert.equal(evaluatePresence({ ...base, ...gone }, L + 2_000, { ...T, disconnectGraceMs: 500 }).presence, "offline");
    assert.equal(at(0, { devices: 0 }).presence, "offline"); // no device and no disconnect known
    assert.equal(at(3_000, { ...gone, rtts: [900] }).presence, "unstable"); // still judged as connected
  });
  it("unstable while the smoothed RTT stays above 800 ms; one spike is not enough", () => {
    assert.equal(at(0, { rtts: [900] }).presence, "unstable");
    assert.equal(at(0, { rtts: [80, 900] }).presence, "online");
    assert.equal(at(0, { rtts: [80, 90, 5_000] }).presence, "online");
    assert.equal(at(0, { rtts: [80, 900, 5_000] }).presence, "unstable");
    assert.equal(at(0, { rtts: [900, 900, 100, 120] }).presence, "online");
    assert.equal(at(0, { rtts: [800, 800, 800] }).presence, "online"); // "above"
    assert.equal(at(40_000, { rtts: [2_000] }).presence, "offline"); // no traffic beats RTT
  });
  it("unstable with 3 reconnects within 5 minutes, until the oldest of them leaves the window", () => {
    const r = { reconnectTimes: [L - 400_000, L - 100_000, L - 50_000, L - 10_000] };
    assert.deepEqual(at(0, r), { presence: "unstable", nextAt: L + 30_000 });
    const r2 = { reconnectTimes: [L - 280_000, L - 50_000, L - 10_000] };
    assert.deepEqual(at(0, r2), { presence: "unstable", nextAt: L + 20_000 });
    assert.deepEqual(at(0, { reconnectTimes: [L - 50_000, L - 10_000] }), { presence: "online", nextAt: L + 30_000 });
  });
  it("fixedAt: the deadlines traffic does not move (grace end, reconnect expiry)", () => {
    assert.equal(full(0).fixedAt, null);
    assert.equal(full(2_000, { devices: 0, disconnectedSince: L + 1_000 }).fixedAt, L + 6_000);
    assert.equal(full(0, { reconnectTimes: [L - 280_000, L - 50_000, L - 10_000] }).fixedAt, L + 20_000);
    assert.equal(full(0, { reconnectTimes: [L - 200_000, L - 50_000, L - 10_000] }).fixedAt, L + 100_000);
    assert.equal(full(0, { reconnectTimes: [L - 200_000, L - 50_000, L - 10_000] }).nextAt, L + 30_000);
    assert.equal(full(40_000).fixedAt, null);
  });
  it("smoothedRtt, recentReconnects, rttMayChange", () => {
    assert.equal(smoothedRtt([]), null);
    assert.equal(smoothedRtt([5]), 5);
    assert.equal(smoothedRtt([100, 300]), 200);
    assert.equal(smoothedRtt([1, 9, 5, 7, 3]), 5);
    assert.equal(recentReconnects([L - 400_000, L - 299_999, L], L, 300_000), 2);
    assert.equal(recentReconnects([], L, 300_000), 0);
    assert.equal(rttMayChange("online", 800, T), false);
    assert.equal(rttMayChange("online", 801, T), true);
    assert.equal(rttMayChange("unstable", 10, T), true);
  });
  it("rttMayChange never skips a change: a low sample cannot make an online participant unstable", () => {
    for (let i = 0; i < 20_000; i++) {
      const rtts = Array.from({ length: 1 + (i % 5) }, () => Math.floor(Math.random() * 1_600));
      const before = at(0, { rtts: rtts.slice(0, -1) }).presence;
      const sample = rtts[rtts.length - 1];
      if (!rttMayChange(before, sample, T)) assert.equal(at(0, { rtts }).presence, before, String(rtts));
    }
  });
});
