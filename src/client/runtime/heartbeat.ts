// The application heartbeat (PROTOCOL.md `hb`): every heartbeatIntervalMs from `ready`,
// carrying the last measured round trip so the server can judge the link, and timing
// the ack for the next one. Two heartbeats in a row without an answer mean the link is
// stalled even though the socket still looks open: the owner reconnects.
import type { AppSocket } from "./socket.js";

const HB_TIMEOUT_MS = 10_000;

export class Heartbeat {
  rtt: number | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private misses = 0;

  constructor(
    private readonly socket: AppSocket,
    private readonly onRtt: (ms: number) => void,
    private readonly onStall: () => void,
  ) {}

  start(intervalMs: number): void {
    this.stop();
    this.misses = 0;
    this.beat(); // an RTT right away, so the link indicator is not blank for 25 s
    this.timer = setInterval(() => this.beat(), Math.max(1000, intervalMs));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  beat(): void {
    if (!this.socket.connected) return;
    const started = performance.now();
    const payload = this.rtt == null ? { t: Date.now() } : { t: Date.now(), rtt: this.rtt };
    this.socket.timeout(HB_TIMEOUT_MS).emit("hb", payload, (err) => {
      if (err) {
        if (++this.misses >= 2 && this.socket.connected) this.onStall();
        return;
      }
      this.misses = 0;
      this.rtt = Math.round(performance.now() - started);
      this.onRtt(this.rtt);
    });
  }
}
