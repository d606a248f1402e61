// Concurrent sockets per participant and per address. Counted when a handshake is
// admitted and given back exactly once when that socket goes, whichever comes first: its
// disconnect, or its connection closing before the socket ever connected (socket.io then
// drops it without a disconnect event). Keys leave the map at zero, so it holds only who
// is connected. This node's counts decide first (a refusal costs nothing more); when
// clustered they are then checked, and recorded, against the other nodes' counts in
// Redis (cluster-caps.ts), which answer null when Redis cannot: the node's own caps stand.
import type { AppSocket } from "../realtime/types.js";
import type { SharedCounts } from "./cluster-caps.js";

export function createSocketCaps(o: { perParticipant: number; perIp: number }) {
  const counts = new Map<string, number>();
  let shared: SharedCounts | undefined;
  const take = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const give = (key: string) => {
    const n = (counts.get(key) ?? 0) - 1;
    if (n > 0) counts.set(key, n);
    else counts.delete(key);
    shared?.record(key, Math.max(0, n));
  };

  return {
    /** Admits the socket if its counts are below their caps (this node's, and the
     *  cluster's when clustered); false otherwise. */
    async admit(socket: AppSocket, ip: string): Promise<boolean> {
      // Closed while its handshake was judged: socket.io drops it, and there is no close to come.
      if (socket.conn.readyState !== "open") return true;
      const keys = [`p:${socket.data.type}:${socket.data.id}`, `ip:${ip}`];
      const caps = [o.perParticipant, o.perIp];
      if (keys.some((key, i) => (counts.get(key) ?? 0) >= caps[i])) return false;
      keys.forEach(take); // before the await: concurrent handshakes see each other
      const ok = shared ? await shared.admit(keys.map((key, i) => [key, counts.get(key) ?? 0, caps[i]])) : true;
      if (ok === false || socket.conn.readyState !== "open") {
        keys.forEach(give);
        return ok !== false;
      }
      const release = () => {
        socket.off("disconnect", release);
        socket.conn.off("close", release);
        keys.forEach(give);
      };
      socket.on("disconnect", release);
      socket.conn.on("close", release);
      return true;
    },
    /** Clustered: the other nodes' counts, in Redis. */
    share(s: SharedCounts) {
      shared = s;
    },
    /** This node's counts (the shared store rewrites them after an outage). */
    entries: () => counts.entries(),
    /** Keys held (leak tests). */
    size: () => counts.size,
  };
}
export type SocketCaps = ReturnType<typeof createSocketCaps>;
