// The moving parts of the Redis presence store (the PresenceStore facade is redis.store.ts):
// - traffic only stamps a local entry and marks it dirty; every flushMs ONE script call
//   carries all touched participants to Redis: O(touched), never O(all).
// - each node arms local deadlines (TimingWheel) for the participants it has seen. When one
//   fires, either this node's own recent traffic proves nothing is due (re-arm, no I/O),
//   or it reads the global state, evaluates the pure rules and commits with a
//   compare-and-set: exactly one node wins each change, and only that node announces it.
// - a node forgets a participant once it has no device of theirs and another node does, or
//   once they are released; the `due` zset lets a live node adopt a dead node's deadlines.
// - node liveness, reaping dead nodes and adoption run in every node's poll (redis.nodes.ts).
import type { Redis } from "ioredis";
import { evaluatePresence, type PresenceResult } from "./presence.rules.js";
import type { DeviceInfo, PresenceChange, PresenceTimings } from "./presence.types.js";
import { LocalEntries, localRearmAt, type Local } from "./redis.local.js";
import { createNodeDuties } from "./redis.nodes.js";
import { decodeState, encodeDevice, withScripts, type RemoteState, type ScriptPipeline } from "./redis.scripts.js";
import { TimingWheel } from "./timing-wheel.js";

/** RedisStoreOptions with every default filled in (see redis.store.ts for their meaning). */
export interface EngineOptions {
  nodeId: string; prefix: string; now: () => number; onError: (err: unknown) => void;
  flushMs: number; pollMs: number; nodeTtlMs: number; orphanSlackMs: number; releasedTtlMs: number;
}

export function createEngine(client: Redis, t: PresenceTimings, o: EngineOptions) {
  const redis = withScripts(client);
  const { prefix: P, now, nodeId } = o;
  const keyTtl = 2 * t.releaseAfterMs + 60_000; // outlives every gap between refreshes
  const entries = new LocalEntries();
  const dirty = new Set<Local>();
  const listeners: Array<(c: PresenceChange) => void> = [];
  let closing = false;
  const report = (err: unknown) => { if (!closing) o.onError(err); };

  const wheel = new TimingWheel<Local>((due) => {
    const at = now();
    const check: Local[] = [];
    for (const e of due) {
      const rearm = localRearmAt(e, at, t);
      if (rearm === null) check.push(e);
      else wheel.schedule(e, rearm);
    }
    void recompute(check).catch(report);
  }, now);

  const current = (e: Local) => entries.isCurrent(e);
  function drop(e: Local) {
    entries.delete(e);
    wheel.cancel(e);
  }
  const unwrap = <T>(res: [Error | null, unknown][] | null): T[] =>
    (res ?? []).map(([err, v]) => { if (err) throw err; return v as T; });
  const pipe = () => redis.pipeline() as unknown as ScriptPipeline;
  const connectArgs = (e: Local, d: DeviceInfo, countReconnect = false) =>
    [P, e.pk, nodeId, d.socketId, encodeDevice(d), e.lt, d.reconnects, keyTtl, countReconnect ? 1 : 0];
  const registerDevice = (e: Local, d: DeviceInfo, countReconnect: boolean) => redis.hfpConnect(...connectArgs(e, d, countReconnect));

  /** Carries local traffic and RTT samples to Redis; answers each stored presence. */
  async function touch(batch: Local[]) {
    const args: (string | number)[] = [P, keyTtl, t.offlineAfterMs];
    const rtt = batch.map((e) => {
      args.push(e.pk, e.lt, e.rtts ? e.rtts.join(",") : "");
      const sent = { had: e.rtts !== null, high: e.rttHigh };
      e.rtts = null;
      e.rttHigh = false;
      dirty.delete(e);
      return sent;
    });
    let pr: string[];
    try {
      pr = await redis.hfpTouch(...args);
    } catch (err) {
      for (const e of batch) dirty.add(e); // retried with the next flush
      throw err;
    }
    // "skip" while we hold a device: the state is gone (Redis lost its data, or our liveness
    // lapsed and another node removed our devices). Register our devices again.
    for (const [i, e] of batch.entries()) {
      if (pr[i] !== "skip" || e.devices.size === 0) continue;
      for (const d of e.devices.values()) await registerDevice(e, d, false);
      pr[i] = "offline";
    }
    return { pr, rtt };
  }

  async function flush() {
    if (dirty.size === 0) return;
    const batch = [...dirty];
    const { pr, rtt } = await touch(batch);
    const again: Local[] = [];
    batch.forEach((e, i) => {
      const s = pr[i];
      // As in the memory store's hot path: only a state traffic can end, or an RTT that may cross.
      if (s === "offline" || s === "left" || (rtt[i].had && (s === "unstable" || rtt[i].high))) again.push(e);
      else if (e.devices.size === 0 && !wheel.has(e) && e.busy === 0) drop(e);
    });
    await recompute(again);
  }

  function settle(e: Local, r: PresenceResult, devicesAnywhere: number, at: number) {
    if (closing || !current(e)) return;
    if (e.devices.size === 0 && (devicesAnywhere > 0 || r.nextAt === null)) return drop(e);
    e.live = r.presence === "online" || r.presence === "unstable";
    e.fixedAt = r.fixedAt;
    // Left while our socket still looks open: nothing is due, but keep the keys alive.
    wheel.schedule(e, r.nextAt ?? at + keyTtl / 2);
  }

  function emit(e: Local, s: RemoteState, r: PresenceResult) {
    const c: PresenceChange = {
      participant: { type: e.type, id: e.id }, presence: r.presence, previous: s.presence,
      rttMs: s.rtts.length ? s.rtts[s.rtts.length - 1] : null,
    };
    for (const l of listeners) {
      try { l(c); } catch (err) { o.onError(err); }
    }
  }

  async function recompute(list: Local[]): Promise<void> {
    if (closing || list.length === 0) return;
    for (const e of list) e.busy++;
    try {
      await evaluate(list, 0);
    } catch (err) {
      for (const e of list) if (current(e) && !wheel.has(e)) wheel.schedule(e, now() + 1000); // try again
      throw err;
    } finally {
      for (const e of list) e.busy--;
    }
  }

  /** Read, evaluate, compare-and-set; participants whose inputs moved meanwhile are read again. */
  async function evaluate(list: Local[], attempt: number): Promise<void> {
    const pending = list.filter((e) => dirty.has(e));
    if (pending.length) await touch(pending); // the read must include our own latest traffic
    const at = now();
    const rp = pipe();
    for (const e of list) rp.hfpRead(P, e.pk, at);
    const states = unwrap<[string[], string[]]>(await rp.exec()).map(decodeState);
    const results = states.map((s) => evaluatePresence(s, at, t));
    const cp = pipe();
    list.forEach((e, i) => {
      const [s, r] = [states[i], results[i]];
      cp.hfpCommit(P, e.pk, e.type, e.id, s.version, s.presence, r.presence, r.nextAt ?? "", keyTtl, o.releasedTtlMs);
    });
    const ok = unwrap<number>(await cp.exec());
    const retry: Local[] = [];
    list.forEach((e, i) => {
      if (ok[i] !== 1) return void retry.push(e);
      if (results[i].presence !== states[i].presence) emit(e, states[i], results[i]);
      settle(e, results[i], states[i].devices, at);
    });
    if (retry.length === 0) return;
    if (attempt < 5) return evaluate(retry, attempt + 1);
    for (const e of retry) if (current(e)) wheel.schedule(e, at + 50); // contended: a little later
  }

  const nodes = createNodeDuties({
    redis, P, nodeId, now, nodeTtlMs: o.nodeTtlMs, orphanSlackMs: o.orphanSlackMs, keyTtl, entries,
    closing: () => closing, connectArgs, recompute, unwrap,
  });
  const flushTimer = setInterval(() => void flush().catch(report), o.flushMs);
  const pollTimer = setInterval(() => void nodes.poll().catch(report), o.pollMs);
  flushTimer.unref();
  pollTimer.unref();
  void nodes.poll().catch(report);

  return {
    redis, P, nodeId, listeners, dirty, entries, recompute, registerDevice, report, unwrap, availableAgents: nodes.available,
    get closing() { return closing; },
    counts: () => ({ ...entries.counts(), deadlines: wheel.size, dirty: dirty.size }),
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(flushTimer);
      clearInterval(pollTimer);
      wheel.close();
      // Hand over: our last traffic to Redis, then this node reaps itself, so that its
      // devices stop counting and other nodes adopt its participants through `due`.
      if (dirty.size) await touch([...dirty]).catch(() => {});
      await nodes.leave().catch(() => {});
      entries.clear();
      listeners.length = 0;
    },
  };
}
