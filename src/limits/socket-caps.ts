// Concurrent sockets on this node, per participant and per address. Counted when a
// handshake is admitted and given back exactly once when that socket goes, whichever
// comes first: its disconnect, or its connection closing before the socket ever
// connected (socket.io then drops it without a disconnect event). Keys leave the map at
// zero, so it holds only who is connected.
import type { AppSocket } from "../realtime/types.js";

export function createSocketCaps(o: { perParticipant: number; perIp: number }) {
  const counts = new Map<string, number>();
  const take = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const give = (key: string) => {
    const n = (counts.get(key) ?? 0) - 1;
    if (n > 0) counts.set(key, n);
    else counts.delete(key);
  };

  return {
    /** Admits the socket if both of its counts are below their caps; false otherwise. */
    admit(socket: AppSocket, ip: string): boolean {
      // Closed while its handshake was judged: socket.io drops it, and there is no close to come.
      if (socket.conn.readyState !== "open") return true;
      const keys = [`p:${socket.data.type}:${socket.data.id}`, `ip:${ip}`];
      if ((counts.get(keys[0]) ?? 0) >= o.perParticipant || (counts.get(keys[1]) ?? 0) >= o.perIp) return false;
      keys.forEach(take);
      const release = () => {
        socket.off("disconnect", release);
        socket.conn.off("close", release);
        keys.forEach(give);
      };
      socket.on("disconnect", release);
      socket.conn.on("close", release);
      return true;
    },
    /** Keys held (leak tests). */
    size: () => counts.size,
  };
}
export type SocketCaps = ReturnType<typeof createSocketCaps>;
