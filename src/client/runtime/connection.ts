// The socket and its health: connect, reconnect on our own schedule (exponential backoff
// with full jitter capped at 30 s, and at once when the browser comes back online or
// the tab becomes visible), the heartbeat (heartbeat.ts), and the status people see.
// socket.io-client's own reconnection is off (socket.ts): its delays cannot be cut short
// by an `online` event and it does not tell us when the next attempt is due.
import type { HandshakeErrorCode, HandshakeErrorData, ReadyPayload } from "../../events.js";
import { Heartbeat } from "./heartbeat.js";
import { Keepalive } from "./keepalive.js";
import { type AppSocket, openSocket } from "./socket.js";
import { FRESH_ATTEMPT_MS, STABLE_MS, type Status } from "./status.js";
import { backoffDelay, Emitter } from "./util.js";

/** When to try again: a server that said when (RATE_LIMITED, UNAVAILABLE: a starting or
 *  busy node spreads its clients out that way) is obeyed exactly, neither sooner (not
 *  even for "retry now", `online` or the tab coming back: Connection.retryNow) nor later (our own backoff, grown over the
 *  refusals, would bring everyone back long after the node is ready). Without a told
 *  delay (the network failed): full-jitter backoff, or at once after a "retry now". */
export function retryDelay(toldMs: number, atOnce: boolean, failures: number): number {
  if (toldMs > 0) return toldMs;
  return atOnce ? 0 : backoffDelay(failures);
}

/** The handshake refusals that retrying cannot help: the app must get a new credential.
 * Any other refused handshake is retried like a network failure. */
export type AuthErrorCode = Extract<HandshakeErrorCode, "AUTH_REQUIRED" | "AUTH_INVALID">;

export interface ConnectionEvents {
  status: Status;
  ready: ReadyPayload;
  rtt: number;
  /** The credential was refused: retrying cannot help, the app must get a new one. */
  authError: AuthErrorCode;
}

export interface ConnectionOptions {
  url: string;
  namespace: "/visitor" | "/agent";
  /** Read on every attempt, so a refreshed token or a newer lastSeq is always sent. */
  auth: () => Record<string, unknown>;
}

export class Connection extends Emitter<ConnectionEvents> {
  readonly socket: AppSocket;
  status: Status = { state: "idle" };
  private started = false;
  private failures = 0;
  private connections = 0;
  private connectedAt = 0;
  /** The attempt in flight: null when none, or when it was abandoned on purpose. */
  private pending: { engine: unknown; at: number } | null = null;
  /** "Retry now" came during a young attempt: if it fails, go again without waiting. */
  private retryAtOnce = false;
  /** Until when (Date.now()) the server told us to stay away; 0: it did not. */
  private toldUntil = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly hb: Heartbeat;
  private readonly keepalive: Keepalive;
  /** The heartbeat bounds of the last `ready`. */
  private beat = { serverMs: 25_000, minMs: 25_000, ms: 25_000 };

  constructor(opts: ConnectionOptions) {
    super();
    // `reconnects` counts successful connections before this one, since page load.
    this.keepalive = new Keepalive(`hf:keepalive:${opts.url}${opts.namespace}`);
    const learned = () => (this.keepalive.learnedMs ? { keepaliveMs: this.keepalive.learnedMs } : {});
    this.socket = openSocket(opts.url + opts.namespace, () => ({ ...opts.auth(), reconnects: this.connections, ...learned() }));
    this.hb = new Heartbeat(this.socket, (rtt) => this.emit("rtt", rtt), () => (this.socket.disconnect(), this.scheduleRetry()));
    this.socket.on("connect", () => {
      // Polling came first after a failure; once WebSocket upgrades fine, go back to it.
      this.socket.io.engine?.once("upgrade", () => this.setTransports(["websocket", "polling"]));
      this.keepalive.connected();
      this.socket.io.engine?.on("packet", this.keepalive.traffic).on("packetCreate", this.keepalive.traffic);
      this.connections++;
      this.connectedAt = Date.now();
      this.pending = null;
      this.retryAtOnce = false;
      this.clearRetry();
      this.setStatus({ state: "connected" });
    });
    this.socket.on("ready", (p) => {
      const minMs = p.heartbeatMinIntervalMs ?? p.heartbeatIntervalMs;
      this.beat = { serverMs: p.heartbeatIntervalMs, minMs, ms: this.keepalive.interval(p.heartbeatIntervalMs, minMs) };
      this.hb.start(this.beat.ms);
      this.emit("ready", p);
    });
    this.socket.on("disconnect", (reason) => {
      this.hb.stop();
      this.keepalive.dropped(reason, this.beat.ms, this.beat.minMs);
      if (Date.now() - this.connectedAt >= STABLE_MS) this.failures = 0;
      if (reason !== "io client disconnect") this.scheduleRetry();
    });
    this.socket.on("connect_error", (err) => {
      const data = (err as Error & { data?: Partial<HandshakeErrorData> }).data;
      const code = data?.code;
      if (code === "AUTH_REQUIRED" || code === "AUTH_INVALID") {
        this.stop();
        this.emit("authError", code);
      } else {
        // tryAllTransports covers a WebSocket that errors; one that hangs or closes
        // before the handshake (some proxies) times out instead, so start the next
        // attempt with long-polling, which then tries to upgrade by itself.
        this.setTransports(["polling", "websocket"]);
        // RATE_LIMITED and UNAVAILABLE say when to come back: then, not on our backoff.
        this.scheduleRetry(typeof data?.retryAfterMs === "number" ? data.retryAfterMs : 0);
      }
    });
  }

  private attempt(): void {
    this.setStatus({ state: "connecting", attempt: this.failures });
    this.socket.connect();
    // A transport that closes before the handshake (a proxy dropping the WebSocket
    // upgrade) is not an error to socket.io: it would sit out its whole timeout.
    const engine = this.socket.io.engine;
    const pending = (this.pending = { engine, at: Date.now() });
    engine?.once("close", () => {
      if (this.pending !== pending || this.socket.connected || !this.started) return;
      this.pending = null;
      this.socket.disconnect();
      this.setTransports(["polling", "websocket"]);
      this.scheduleRetry();
    });
  }

  /** Drops the attempt in flight, if any, without counting it as a failure. */
  private abandon(): void {
    this.pending = null;
    this.socket.disconnect();
  }

  private setTransports(order: ("websocket" | "polling")[]): void {
    this.socket.io.opts.transports = order;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    window.addEventListener("online", this.retryNow);
    window.addEventListener("offline", this.onOffline);
    document.addEventListener("visibilitychange", this.onVisibility);
    if (navigator.onLine === false) return this.onOffline();
    this.attempt();
  }

  stop(): void {
    this.started = false;
    window.removeEventListener("online", this.retryNow);
    window.removeEventListener("offline", this.onOffline);
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.clearRetry();
    this.hb.stop();
    this.abandon();
    this.setStatus({ state: "idle" });
  }

  get rtt(): number | null {
    return this.socket.connected ? this.hb.rtt : null;
  }

  /** Try now instead of waiting out the backoff (the banner's button, `online`, the tab
   * coming back). Safe to call at any time and as often as wanted; does nothing while
   * the server's told delay runs (a busy or starting node is not asked again sooner). */
  retryNow = (): void => {
    if (!this.started || this.socket.connected || Date.now() < this.toldUntil) return;
    if (this.pending && Date.now() - this.pending.at < FRESH_ATTEMPT_MS) {
      this.retryAtOnce = true;
      return;
    }
    this.clearRetry();
    this.abandon();
    this.attempt();
  };

  // The OS says there is no network: an open socket is dead weight that would swallow
  // emits, so close it and let the outbox hold messages until `online`.
  private onOffline = () => {
    this.hb.stop();
    this.abandon();
    this.scheduleRetry();
  };

  private onVisibility = () => {
    if (document.visibilityState !== "visible") return;
    if (this.socket.connected) this.hb.beat();
    else this.retryNow();
  };

  /** `toldMs`: the server's retryAfterMs, if it gave one. */
  private scheduleRetry(toldMs = 0): void {
    this.pending = null;
    if (!this.started || this.retryTimer) return;
    const delay = retryDelay(toldMs, this.retryAtOnce, this.failures);
    this.retryAtOnce = false;
    this.toldUntil = toldMs > 0 ? Date.now() + delay : 0;
    this.failures++;
    const due = Date.now() + delay;
    const tick = () => {
      if (navigator.onLine === false) return this.setStatus({ state: "offline" });
      const retryInSec = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      this.setStatus({ state: "reconnecting", retryInSec, attempt: this.failures });
    };
    tick();
    this.ticker = setInterval(tick, 1000);
    this.retryTimer = setTimeout(() => {
      this.clearRetry();
      if (navigator.onLine === false) return this.scheduleRetry();
      this.attempt();
    }, delay);
  }

  private clearRetry(): void {
    clearTimeout(this.retryTimer);
    clearInterval(this.ticker);
    this.retryTimer = this.ticker = undefined;
  }

  private setStatus(s: Status): void {
    const same = JSON.stringify(s) === JSON.stringify(this.status);
    this.status = s;
    if (!same) this.emit("status", s);
  }
}
