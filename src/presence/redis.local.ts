// One node's own view of the participants it watches for the Redis store: its sockets,
// the latest traffic it saw (not yet flushed), and what its last evaluation said. Kept in
// two maps keyed by id, so the traffic hot path builds no "type:id" string.
import type { DeviceInfo, Participant, PresenceTimings } from "./presence.types.js";

export interface Local {
  type: Participant["type"];
  id: string;
  pk: string;
  devices: Map<string, DeviceInfo>; // this node's sockets
  lt: number; // latest traffic seen here
  rtts: number[] | null; // samples since the last flush
  rttHigh: boolean; // one of them above the threshold
  busy: number; // recomputes in flight: watched even while off the wheel
  live: boolean; // last evaluation here: online or unstable
  fixedAt: number | null; // from that evaluation: a deadline that traffic does not move
}

export class LocalEntries {
  private readonly maps = { visitor: new Map<string, Local>(), agent: new Map<string, Local>() };

  find(p: Participant): Local | undefined {
    return this.maps[p.type].get(p.id);
  }
  get(p: Participant): Local {
    let e = this.maps[p.type].get(p.id);
    if (!e) {
      e = { type: p.type, id: p.id, pk: `${p.type}:${p.id}`, devices: new Map(), lt: 0, rtts: null,
        rttHigh: false, busy: 0, live: false, fixedAt: null };
      this.maps[p.type].set(p.id, e);
    }
    return e;
  }
  /** False once the entry was forgotten (a newer one may stand for the participant). */
  isCurrent(e: Local): boolean {
    return this.maps[e.type].get(e.id) === e;
  }
  delete(e: Local): void {
    if (this.isCurrent(e)) this.maps[e.type].delete(e.id);
  }
  /** Every entry holding a device here: O(entries), for a node that must register them again. */
  withDevices(): Local[] {
    return [...this.maps.visitor.values(), ...this.maps.agent.values()].filter((e) => e.devices.size > 0);
  }
  clear(): void {
    this.maps.visitor.clear();
    this.maps.agent.clear();
  }
  counts() {
    return { visitors: this.maps.visitor.size, agents: this.maps.agent.size };
  }
}

/** When a deadline fires: if this node holds a socket, its own traffic is recent enough to
 *  prove "not offline yet", and no traffic-independent deadline has come, the answer cannot
 *  have changed through time alone; re-arm at the returned time without asking Redis
 *  (changes from other nodes' inputs are evaluated by those nodes). Null: check Redis. */
export function localRearmAt(e: Local, at: number, t: PresenceTimings): number | null {
  const offlineAt = e.lt + t.offlineAfterMs;
  if (e.devices.size === 0 || !e.live || offlineAt <= at || (e.fixedAt !== null && e.fixedAt <= at)) return null;
  return e.fixedAt === null ? offlineAt : Math.min(offlineAt, e.fixedAt);
}
