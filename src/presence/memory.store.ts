// Single-node PresenceStore. One entry per participant that has a device or is still
// counting down to `left`; one armed timer for all of them (TimingWheel). traffic() is the
// hot path (every event and transport pong): it stores a timestamp and returns, unless the
// participant is offline/left and the traffic brings them back. Deadlines that traffic
// moved later simply fire, recompute and re-arm.
// Unknown participants: presence() answers "left" for one that was released within the
// last `releasedTtlMs` (a bounded, expiring record, so views built right after the `left`
// announcement agree with it), otherwise "offline" (never seen, or gone long ago; "offline"
// is the safe answer after a restart, before clients have reconnected).
import type { Presence } from "../events.js";
import {
  evaluatePresence, pushBounded, RECONNECT_HISTORY, RTT_HISTORY, rttMayChange, sanitizeRtt, toHealth,
} from "./presence.rules.js";
import {
  participantKey, type DeviceInfo, type Health, type Participant, type PresenceChange, type PresenceStore,
  type PresenceTimings,
} from "./presence.types.js";
import { TimingWheel } from "./timing-wheel.js";

export interface MemoryStoreOptions {
  now?: () => number;
  /** How long a released participant still reads as "left" (default releaseAfterMs). */
  releasedTtlMs?: number;
  /** At most this many released participants remembered (default 10,000). */
  releasedMax?: number;
  onError?: (err: unknown) => void;
}

interface Entry {
  type: Participant["type"];
  id: string;
  presence: Presence; // the last announced state
  lastTrafficAt: number | null;
  devices: number; // deviceList.length, named for PresenceInput
  deviceList: DeviceInfo[];
  disconnectedSince: number | null;
  rtts: number[];
  reconnectTimes: number[];
  reconnects: number;
}

export function createMemoryPresenceStore(t: PresenceTimings, opts: MemoryStoreOptions = {}): PresenceStore {
  const now = opts.now ?? Date.now;
  const releasedTtl = opts.releasedTtlMs ?? t.releaseAfterMs;
  const releasedMax = opts.releasedMax ?? 10_000;
  const onError = opts.onError ?? ((err: unknown) => console.error("presence listener failed", err));
  // Two maps keyed by id, so the hot path does not build a "type:id" string per event.
  const entries = { visitor: new Map<string, Entry>(), agent: new Map<string, Entry>() };
  const released = new Map<string, number>(); // participantKey -> released at, oldest first
  const available = new Set<string>(); // agents whose presence is online/unstable
  const away = new Set<string>();
  const listeners: Array<(c: PresenceChange) => void> = [];
  const wheel = new TimingWheel<Entry>((due) => {
    const at = now();
    for (const e of due) recompute(e, at);
  }, now);
  let closed = false;

  const get = (p: Participant) => (closed ? undefined : entries[p.type].get(p.id));

  function sweepReleased(at: number): void {
    for (const [key, since] of released) {
      if (released.size <= releasedMax && at - since < releasedTtl) return;
      released.delete(key);
    }
  }

  function create(p: Participant): Entry {
    const key = participantKey(p);
    const wasReleased = released.delete(key);
    const e: Entry = {
      type: p.type, id: p.id, presence: wasReleased ? "left" : "offline", lastTrafficAt: null, devices: 0,
      deviceList: [], disconnectedSince: null, rtts: [], reconnectTimes: [], reconnects: 0,
    };
    entries[p.type].set(p.id, e);
    return e;
  }

  function remove(e: Entry, at: number): void {
    entries[e.type].delete(e.id);
    wheel.cancel(e);
    if (e.type === "agent") away.delete(e.id);
    released.set(participantKey(e), at);
    sweepReleased(at);
  }

  function recompute(e: Entry, at: number): void {
    const r = evaluatePresence(e, at, t);
    if (r.presence !== e.presence) {
      const previous = e.presence;
      e.presence = r.presence;
      if (e.type === "agent") {
        if (r.presence === "online" || r.presence === "unstable") available.add(e.id);
        else available.delete(e.id);
      }
      const change: PresenceChange = {
        participant: { type: e.type, id: e.id }, presence: r.presence, previous,
        rttMs: e.rtts.length ? e.rtts[e.rtts.length - 1] : null,
      };
      for (const l of listeners) {
        try { l(change); } catch (err) { onError(err); }
      }
    }
    if (r.presence === "left" && e.devices === 0) remove(e, at);
    else if (r.nextAt === null) wheel.cancel(e);
    else wheel.schedule(e, r.nextAt);
  }

  const store: PresenceStore = {
    async connect(p, device) {
      if (closed) return;
      const at = now();
      const e = get(p) ?? create(p);
      const i = e.deviceList.findIndex((d) => d.socketId === device.socketId);
      if (i >= 0) e.deviceList[i] = { ...device };
      else e.deviceList.push({ ...device });
      e.devices = e.deviceList.length;
      e.disconnectedSince = null;
      e.lastTrafficAt = at; // the handshake itself is traffic
      // auth.reconnects > 0: this page lost its socket and came back. A reload restarts at 0.
      if (device.reconnects > 0) pushBounded(e.reconnectTimes, at, RECONNECT_HISTORY);
      e.reconnects = device.reconnects;
      recompute(e, at);
    },
    async disconnect(p, socketId) {
      const e = get(p);
      if (!e) return;
      const i = e.deviceList.findIndex((d) => d.socketId === socketId);
      if (i < 0) return;
      const at = now();
      e.deviceList.splice(i, 1);
      e.devices = e.deviceList.length;
      if (e.devices === 0) e.disconnectedSince = at;
      recompute(e, at);
    },
    traffic(p) {
      // Traffic of a participant with no entry (no socket here) has nothing to keep alive.
      const e = get(p);
      if (!e) return;
      const at = now();
      e.lastTrafficAt = at;
      if (e.presence === "offline" || e.presence === "left") recompute(e, at);
    },
    rtt(p, ms) {
      const e = get(p);
      const v = sanitizeRtt(ms);
      if (!e || v === null) return;
      const at = now();
      e.lastTrafficAt = at;
      pushBounded(e.rtts, v, RTT_HISTORY);
      if (rttMayChange(e.presence, v, t)) recompute(e, at);
    },
    transport(p, socketId, transport) {
      const d = get(p)?.deviceList.find((x) => x.socketId === socketId);
      if (d) d.transport = transport;
      store.traffic(p);
    },
    async presence(p) {
      const e = get(p);
      if (e) return e.presence;
      sweepReleased(now());
      return released.has(participantKey(p)) ? "left" : "offline";
    },
    async presenceMany(ps) {
      return Promise.all(ps.map((p) => store.presence(p)));
    },
    async health(p): Promise<Health> {
      const e = get(p) ?? { rtts: [], reconnectTimes: [], reconnects: 0, lastTrafficAt: null, deviceList: [] };
      return toHealth(await store.presence(p), e, e.deviceList, now(), t);
    },
    async setAgentStatus(agentId, status) {
      if (status === "away") away.add(agentId);
      else away.delete(agentId);
    },
    async agentStatus(agentId) {
      return away.has(agentId) ? "away" : "online";
    },
    async availableAgents() {
      return [...available].filter((id) => !away.has(id) && (entries.agent.get(id)?.devices ?? 0) > 0);
    },
    onChange(listener) {
      listeners.push(listener);
    },
    async size() {
      sweepReleased(now());
      return {
        visitors: entries.visitor.size, agents: entries.agent.size, deadlines: wheel.size,
        available: available.size, away: away.size, released: released.size,
      };
    },
    async close() {
      closed = true;
      wheel.close();
      entries.visitor.clear();
      entries.agent.clear();
      listeners.length = 0;
    },
  };
  return store;
}
