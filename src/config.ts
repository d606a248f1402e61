// The only module that reads process.env. Everything is validated once at start-up so
// a typo in a deployment fails loudly instead of running with a surprising default.
import { z } from "zod";
import { isPlainOrigin, normaliseOrigin } from "./widget/origins.js";

const positiveInt = (def: number) => z.coerce.number().int().positive().default(def);
const ms = positiveInt;
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

/** "1" is a hop count for Express, not an address (as a string it would be one); "true"
 *  and "false" are booleans; anything else is Express's own list form ("loopback", IPs). */
function trustProxyValue(v: string | undefined): number | boolean | string | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  if (v === "true" || v === "false") return v === "true";
  return v;
}

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    "DATABASE_URL must be a postgres:// or postgresql:// URL",
  ),
  DATA_DIR: z.string().default("./data"),
  // The embedded database on a small machine (lib/pglite/host.ts): its WASM compiled by
  // the baseline compiler only, about 60 MB less resident for slower queries.
  EMBEDDED_DB_LOW_MEMORY: z.enum(["0", "1"]).default("0"),
  REDIS_URL: optionalString,
  // Several installs (or test runs) can share one Redis: keys and pub/sub channels
  // (pub/sub ignores Redis's numbered databases) all start with this.
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,40}$/, "letters, digits and _.:- only").default("hf:"),
  ADMIN_EMAIL: optionalString,
  ADMIN_PASSWORD: optionalString,
  SESSION_SECRET: optionalString,
  HEARTBEAT_INTERVAL_MS: ms(25_000),
  // The shortest heartbeat a client may adapt down to when its path cuts idle connections
  // (client/runtime/keepalive.ts); at least the heartbeat itself switches adaptation off.
  HEARTBEAT_MIN_INTERVAL_MS: ms(5_000),
  // The silences the connection test holds (seconds, ascending) to find a path's idle cut.
  DIAGNOSTICS_IDLE_PROBES_SEC: z.string().regex(/^\d{1,3}(,\d{1,3}){0,7}$/, "comma-separated seconds like 15,30,60,120").default("15,30,60,120")
    .transform((v) => [...new Set(v.split(",").map(Number))].filter((n) => n >= 1 && n <= 300).sort((a, b) => a - b)),
  OFFLINE_AFTER_MS: ms(30_000),
  RELEASE_AFTER_MS: ms(120_000),
  DELIVERY_RETRY_MS: ms(5_000),
  AUTO_RESOLVE_AFTER_MS: ms(86_400_000),
  ALLOWED_ORIGINS: optionalString
    .transform((v) => (v ?? "").split(",").map(normaliseOrigin).filter(Boolean))
    .refine((list) => list.every(isPlainOrigin), "comma-separated origins like https://www.example.com"),
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  NODE_ENV: z.string().default("development"),
  TRUST_PROXY: optionalString.transform(trustProxyValue),
  METRICS_TOKEN: optionalString,
  // The console's external origin, as browsers send it in Origin; a path is allowed (and
  // kept for links) but only the origin is compared.
  PUBLIC_URL: optionalString
    .refine((v) => v === undefined || /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i.test(v), "an http(s) URL like https://chat.example.com")
    .transform((v) => v?.replace(/\/+$/, "")),
  // Email (src/email): unset SMTP_URL sends nothing and changes nothing else.
  SMTP_URL: optionalString.refine((v) => v === undefined || /^smtps?:\/\/[^/?#\s]+/i.test(v), "an smtp:// or smtps:// URL like smtp://user:pass@mail.example.com:587"),
  MAIL_FROM: optionalString,
  EMAIL_AFTER_MS: ms(120_000),
  SOCKETS_PER_PARTICIPANT: positiveInt(20),
  SOCKETS_PER_IP: positiveInt(1000),
  HANDSHAKES_PER_IP_PER_MINUTE: positiveInt(3000),
  // Node-wide handshakes begun per second (limits/admission.ts); 0: no node-wide limit.
  HANDSHAKES_PER_SECOND: z.coerce.number().int().min(0).default(0),
  // Group commit (conversations/message-writer.ts): while sends keep coming, a batch
  // starts at most this often (ms), so it carries more of them; 0 writes each at once.
  // The pace grows with the rate of sends up to WRITE_PACE_MAX_MS (write-pace.ts); unset:
  // 20 on PostgreSQL, 10 on the embedded database, whose one connection writes one batch
  // at a time (a longer batch there holds up every send behind it: p99 at 2,000 msg/s
  // was 59 ms with 20, 30 ms with 10, 2026-12-06).
  WRITE_PACE_MS: z.coerce.number().int().min(0).max(100).default(5),
  WRITE_PACE_MAX_MS: z.coerce.number().int().min(0).max(100).optional(),
  // Behind a load balancer with several nodes: this node's name starts every Socket.IO
  // session id it creates, so the balancer can route a session to its node (README,
  // "Scale out"). It lands in URLs and in the balancer's config, hence the narrow form.
  NODE_NAME: optionalString.refine((v) => v === undefined || /^[a-z0-9-]{1,32}$/.test(v), "1-32 of a-z, 0-9 and -"),
  // The HMAC key shared with the embedding site's server (PROTOCOL.md section 2): whoever
  // knows it can sign in as any of the site's users, so a guessable one is refused.
  // WebSocket frames at least this long go out deflated (permessage-deflate): large
  // `sync` answers on slow links. 0 turns compression off. Small frames (most events)
  // cost more CPU to deflate than their bytes are worth.
  WS_DEFLATE_THRESHOLD_BYTES: z.coerce.number().int().min(0).default(2048),
  // Webhooks (src/webhooks, PROTOCOL.md section 6): the contract's timings, shrinkable
  // for tests; the concurrency bounds the conversations a node delivers to at once.
  WEBHOOK_TIMEOUT_MS: ms(10_000),
  WEBHOOK_RETRY_FIRST_MS: ms(5_000),
  WEBHOOK_RETRY_MAX_MS: ms(3_600_000),
  WEBHOOK_GIVE_UP_MS: ms(86_400_000),
  WEBHOOK_POLL_MS: ms(500),
  WEBHOOK_CONCURRENCY: positiveInt(128),
  IDENTITY_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, "at least 16 characters (a random string)"),
});

export type Config = {
  port: number;
  databaseUrl?: string;
  dataDir: string;
  /** EMBEDDED_DB_LOW_MEMORY=1: the embedded database traded speed for resident memory. */
  embeddedLowMemory: boolean;
  redisUrl?: string;
  /** Prefix of every Redis key and of the adapter's channels. */
  redisPrefix: string;
  adminEmail?: string;
  adminPassword?: string;
  sessionSecret?: string;
  heartbeatIntervalMs: number;
  /** Never above heartbeatIntervalMs. */
  heartbeatMinIntervalMs: number;
  /** The diagnostics page's idle probes, seconds. */
  diagnosticsIdleProbesSec: number[];
  offlineAfterMs: number;
  releaseAfterMs: number;
  deliveryRetryMs: number;
  /** An open conversation whose last message is an agent's, silent this long: resolved. */
  autoResolveAfterMs: number;
  /** ALLOWED_ORIGINS: may embed the widget and open visitor sockets (the admin's list adds
   *  to it, see widget/origins.ts); empty = same origin only. */
  allowedOrigins: string[];
  uploadMaxBytes: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  production: boolean;
  /** Express's "trust proxy": a hop count, a boolean, or a list of addresses/subnets. */
  trustProxy?: number | boolean | string;
  /** Bearer token for /metrics; unset: loopback clients only. */
  metricsToken?: string;
  /** PUBLIC_URL without a trailing slash: the base of links that leave the page, and an
   *  origin the console (cookie-authenticated /agent sockets) may be opened from. */
  publicUrl?: string;
  /** SMTP_URL, MAIL_FROM, EMAIL_AFTER_MS (PROTOCOL.md section 5); no smtpUrl: no email. */
  email: { smtpUrl?: string; from: string; afterMs: number };
  /** Handshake limits (PROTOCOL.md section 3): sockets one participant, and one address,
   *  may hold on a node; handshakes an address may start per minute; handshakes the
   *  node begins per second, all addresses together (0: unlimited). */
  limits: { socketsPerParticipant: number; socketsPerIp: number; handshakesPerIpPerMinute: number; handshakesPerSecond: number };
  /** WRITE_PACE_MS: while busy, the least time between two group-commit batches;
   *  WRITE_PACE_MAX_MS: the most it grows to under a heavy load (below writePaceMs: fixed;
   *  unset: chosen by the database, composition.ts). */
  writePaceMs: number;
  writePaceMaxMs?: number;
  /** NODE_NAME: the prefix of this node's Socket.IO session ids (`<name>.<random>`). */
  nodeName?: string;
  /** IDENTITY_SECRET: set, a visitor session with userId + userHash (its HMAC) is that
   *  site user's one visitor on every device; unset, userId and userHash are ignored. */
  identitySecret?: string;
  /** WS_DEFLATE_THRESHOLD_BYTES: frames from this size deflated; 0: no compression. */
  wsDeflateThresholdBytes: number;
  /** WEBHOOK_*: an attempt's timeout, the retry schedule (first retry, cap, give up),
   *  the idle poll and the lanes a node delivers at once. */
  webhooks: { timeoutMs: number; retryFirstMs: number; retryMaxMs: number; giveUpMs: number; pollMs: number; concurrency: number };
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    embeddedLowMemory: e.EMBEDDED_DB_LOW_MEMORY === "1",
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    sessionSecret: e.SESSION_SECRET,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    heartbeatMinIntervalMs: Math.min(e.HEARTBEAT_MIN_INTERVAL_MS, e.HEARTBEAT_INTERVAL_MS),
    diagnosticsIdleProbesSec: e.DIAGNOSTICS_IDLE_PROBES_SEC,
    offlineAfterMs: e.OFFLINE_AFTER_MS,
    releaseAfterMs: e.RELEASE_AFTER_MS,
    deliveryRetryMs: e.DELIVERY_RETRY_MS,
    autoResolveAfterMs: e.AUTO_RESOLVE_AFTER_MS,
    allowedOrigins: e.ALLOWED_ORIGINS,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === "production",
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    publicUrl: e.PUBLIC_URL,
    email: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM ?? "Holdfast <holdfast@localhost>", afterMs: e.EMAIL_AFTER_MS },
    limits: {
      socketsPerParticipant: e.SOCKETS_PER_PARTICIPANT,
      socketsPerIp: e.SOCKETS_PER_IP,
      handshakesPerIpPerMinute: e.HANDSHAKES_PER_IP_PER_MINUTE,
      handshakesPerSecond: e.HANDSHAKES_PER_SECOND,
    },
    writePaceMs: e.WRITE_PACE_MS,
    writePaceMaxMs: e.WRITE_PACE_MAX_MS,
    nodeName: e.NODE_NAME,
    wsDeflateThresholdBytes: e.WS_DEFLATE_THRESHOLD_BYTES,
    webhooks: {
      timeoutMs: e.WEBHOOK_TIMEOUT_MS, retryFirstMs: e.WEBHOOK_RETRY_FIRST_MS, retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      giveUpMs: e.WEBHOOK_GIVE_UP_MS, pollMs: e.WEBHOOK_POLL_MS, concurrency: e.WEBHOOK_CONCURRENCY,
    },
    // Only when set, so that a configuration without it keeps its exact shape.
    ...(e.IDENTITY_SECRET ? { identitySecret: e.IDENTITY_SECRET } : {}),
  };
}
