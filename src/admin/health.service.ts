// The admin's connection-health dashboard, computed from what exists: the participants
// connected across the cluster (from the realtime module) and the presence store's
// per-participant health. Cost is one health() read per connected participant, so it
// is capped; a store-side aggregate would make it O(1) (see report).
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import type { Health, PresenceStore } from "../presence/presence.types.js";
import type { Realtime } from "../realtime/realtime.js";

const MAX_SAMPLED = 1000;
const UNSTABLE_RTT_MS = 800;
const RECONNECT_WINDOW_MIN = 5;
export const RTT_BUCKETS = [100, 300, 800, 2000, Infinity] as const;

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function createHealthDashboard(d: {
  realtime: Pick<Realtime, "connected">;
  presence: PresenceStore;
  conversations: ConversationsRepository;
}) {
  return async function snapshot() {
    const [visitors, agents] = await Promise.all([d.realtime.connected("visitor", MAX_SAMPLED), d.realtime.connected("agent", MAX_SAMPLED)]);
    const vh = await Promise.all(visitors.map((v) => d.presence.health({ type: "visitor", id: v.id })));
    const ah = await Promise.all(agents.map((a) => d.presence.health({ type: "agent", id: a.id })));
    const statuses = await Promise.all(agents.map((a) => d.presence.agentStatus(a.id)));

    const count = (hs: Health[]) => {
      const c = { online: 0, unstable: 0, offline: 0, left: 0 };
      for (const h of hs) c[h.presence]++;
      return c;
    };
    const rtts = [...vh, ...ah].map((h) => h.rttMs).filter((r): r is number => r != null).sort((a, b) => a - b);
    const buckets = RTT_BUCKETS.map((le, i) => ({
      le: le === Infinity ? null : le,
      count: rtts.filter((r) => r < le && (i === 0 || r >= RTT_BUCKETS[i - 1])).length,
    }));
    const recent = [...vh, ...ah].reduce((n, h) => n + h.recentReconnects, 0);
    const unstable = visitors
      .map((v, i) => ({ ...v, h: vh[i] }))
      .filter(({ h }) => h.presence === "unstable" || (h.rttMs ?? 0) > UNSTABLE_RTT_MS || h.recentReconnects >= 3)
      .slice(0, 50);
    const convs = await Promise.all(unstable.map((u) => d.conversations.activeForVisitor(u.id)));

    return {
      at: new Date().toISOString(),
      sampled: visitors.length + agents.length,
      visitors: { connected: visitors.length, presence: count(vh) },
      agents: {
        connected: agents.length,
        presence: count(ah),
        away: statuses.filter((s) => s === "away").length,
      },
      rtt: { buckets, p50: percentile(rtts, 50), p95: percentile(rtts, 95), samples: rtts.length },
      reconnectsPerMinute: Math.round((recent / RECONNECT_WINDOW_MIN) * 10) / 10,
      transports: {
        websocket: [...vh, ...ah].filter((h) => h.transport === "websocket").length,
        polling: [...vh, ...ah].filter((h) => h.transport === "polling").length,
      },
      unstable: unstable.map((u, i) => ({
        id: u.id,
        name: u.name,
        presence: u.h.presence,
        rttMs: u.h.rttMs,
        recentReconnects: u.h.recentReconnects,
        transport: u.h.transport,
        devices: u.h.devices.length,
        conversationId: convs[i]?.id ?? null,
      })),
    };
  };
}
export type HealthDashboard = ReturnType<typeof createHealthDashboard>;
export type HealthSnapshot = Awaited<ReturnType<HealthDashboard>>;
