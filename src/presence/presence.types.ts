// The state interface behind presence, connection health and agent availability. Two
// implementations: in memory (single node, the default) and Redis (REDIS_URL set, holds
// across nodes). The database, not this, is the truth for who is assigned to what.
import type { ParticipantType, Presence } from "../events.js";

export interface Participant {
  type: ParticipantType;
  id: string;
}
export const participantKey = (p: Participant) => `${p.type}:${p.id}`;

export interface DeviceInfo {
  socketId: string;
  transport: "websocket" | "polling";
  /** auth.reconnects from the handshake: reconnects since the page loaded. */
  reconnects: number;
  connectedAt: number;
  /** auth.keepaliveMs: a heartbeat the client learned to keep under its path's idle cut
   *  (client/runtime/keepalive.ts); absent while it uses the server's. */
  keepaliveMs?: number;
}

export interface Health {
  presence: Presence;
  rttMs: number | null;
  /** Most recent last, at most 20. */
  rttHistory: number[];
  reconnects: number;
  /** Reconnects observed within the last 5 minutes. */
  recentReconnects: number;
  transport: "websocket" | "polling" | null;
  devices: DeviceInfo[];
  lastTrafficAt: number | null;
}

export interface PresenceChange {
  participant: Participant;
  presence: Presence;
  previous: Presence;
  rttMs: number | null;
}

export interface PresenceTimings {
  offlineAfterMs: number;
  releaseAfterMs: number;
  /** RTT above this (ms) while connected: unstable. */
  unstableRttMs: number;
  /** This many reconnects within reconnectWindowMs: unstable. */
  unstableReconnects: number;
  reconnectWindowMs: number;
  /** No device connected for longer than this: offline (default 5000; tests shorten it). */
  disconnectGraceMs?: number;
}

export interface PresenceStore {
  /** A socket of the participant connected (on this node). */
  connect(p: Participant, device: DeviceInfo): Promise<void>;
  disconnect(p: Participant, socketId: string): Promise<void>;
  /** Any event, heartbeat or transport pong. Hot path: O(1), no I/O awaited. */
  traffic(p: Participant): void;
  /** Also counts as traffic. */
  rtt(p: Participant, ms: number): void;
  /** A transport upgrade or downgrade of one device. */
  transport(p: Participant, socketId: string, transport: "websocket" | "polling"): void;
  presence(p: Participant): Promise<Presence>;
  presenceMany(ps: Participant[]): Promise<Presence[]>;
  health(p: Participant): Promise<Health>;
  setAgentStatus(agentId: string, status: "online" | "away"): Promise<void>;
  agentStatus(agentId: string): Promise<"online" | "away">;
  /** Agents whose presence is online/unstable, whose status is not away, and who have a
   *  device connected right now, on a live node (a socket on a node that stopped
   *  refreshing its liveness does not count, even before that node is declared dead). */
  availableAgents(): Promise<string[]>;
  /** Called once per real change cluster-wide (on one node only). */
  onChange(listener: (c: PresenceChange) => void): void;
  /** Number of tracked entries of every internal structure (leak tests). */
  size(): Promise<Record<string, number>>;
  close(): Promise<void>;
}
