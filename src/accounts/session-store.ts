// express-session's store in the `session` table, so sessions survive a restart and any
// node can read any session. Expired rows are never returned and are deleted by a
// periodic prune (unref'd: it never keeps the process alive). express-session touches
// the session on every request; the expiry is written at most every TOUCH_EVERY_MS per
// session, so the console's polling is not a database write per request.
import session from "express-session";
import type { SessionData } from "express-session";
import type { Prisma } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { Prisma as P } from "../generated/prisma/client.js";

const DEFAULT_TTL_MS = 24 * 3600_000;
export const PRUNE_INTERVAL_MS = 15 * 60_000;
const TOUCH_EVERY_MS = 5 * 60_000;
const MAX_TOUCHED = 10_000;

type Cb<T = void> = (err: unknown, value?: T) => void;

export class PrismaSessionStore extends session.Store {
  private pruneTimer: ReturnType<typeof setInterval> | undefined;
  /** sid -> when this node last wrote its expiry. */
  private touched = new Map<string, number>();

  constructor(
    private readonly prisma: Prisma,
    private readonly log: Logger,
    pruneEveryMs = PRUNE_INTERVAL_MS,
  ) {
    super();
    if (pruneEveryMs > 0) {
      this.pruneTimer = setInterval(() => void this.prune().catch((err) => log.warn("session prune failed", { err })), pruneEveryMs);
      this.pruneTimer.unref();
    }
  }

  private expiry(sess: SessionData): Date {
    const e = sess.cookie?.expires;
    return e ? new Date(e) : new Date(Date.now() + (sess.cookie?.maxAge ?? DEFAULT_TTL_MS));
  }

  /** Callback-style API of express-session on top of promises. */
  private run<T>(work: Promise<T>, cb?: Cb<T>) {
    work.then(
      (v) => cb?.(null, v),
      (err) => {
        this.log.error("session store failed", { err });
        cb?.(err);
      },
    );
  }

  get(sid: string, cb: Cb<SessionData | null>) {
    this.run(
      this.prisma.session
        .findFirst({ where: { sid, expire: { gt: new Date() } } })
        .then((row) => (row ? (row.sess as unknown as SessionData) : null)),
      cb,
    );
  }

  set(sid: string, sess: SessionData, cb?: Cb) {
    const data = { sess: sess as unknown as P.InputJsonValue, expire: this.expiry(sess) };
    this.run(this.prisma.session.upsert({ where: { sid }, create: { sid, ...data }, update: data }).then(() => undefined), cb);
  }

  touch(sid: string, sess: SessionData, cb?: () => void) {
    const now = Date.now();
    if (now - (this.touched.get(sid) ?? 0) < TOUCH_EVERY_MS) return void cb?.();
    if (this.touched.size >= MAX_TOUCHED) this.touched.clear();
    this.touched.set(sid, now);
    this.run(this.prisma.session.updateMany({ where: { sid }, data: { expire: this.expiry(sess) } }).then(() => undefined), () => cb?.());
  }

  destroy(sid: string, cb?: Cb) {
    this.touched.delete(sid);
    this.run(this.prisma.session.deleteMany({ where: { sid } }).then(() => undefined), cb);
  }

  length(cb: Cb<number>) {
    this.run(this.prisma.session.count({ where: { expire: { gt: new Date() } } }), cb);
  }

  clear(cb?: Cb) {
    this.run(this.prisma.session.deleteMany({}).then(() => undefined), cb);
  }

  /** Signs an agent out everywhere (deactivated, password reset), except one session. */
  async destroyForAgent(agentId: string, exceptSid?: string): Promise<number> {
    const res = await this.prisma.session.deleteMany({
      where: { sess: { path: ["agentId"], equals: agentId }, ...(exceptSid ? { NOT: { sid: exceptSid } } : {}) },
    });
    return res.count;
  }

  async prune(): Promise<number> {
    return (await this.prisma.session.deleteMany({ where: { expire: { lte: new Date() } } })).count;
  }

  close() {
    clearInterval(this.pruneTimer);
  }
}
