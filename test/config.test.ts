// loadConfig(env) with explicit env objects (never process.env): defaults from
// PROTOCOL.md section 1, coercion, and loud failures that name the variable.
import assert from "node:assert/strict";
import { loadConfig } from "../src/config.js";

const load = (env: Record<string, string>) => loadConfig(env as NodeJS.ProcessEnv);

/** loadConfig must throw an "invalid configuration" error with a line for each named variable. */
function rejects(env: Record<string, string>, ...vars: string[]): string {
  let message = "";
  assert.throws(() => load(env), (err: unknown) => {
    assert.ok(err instanceof Error);
    message = err.message;
    return true;
  });
  assert.match(message, /^invalid configuration/);
  for (const v of vars) assert.match(message, new RegExp(`^\\s+${v}: \\S`, "m"), `message names ${v}: ${message}`);
  return message;
}

describe("config.loadConfig", () => {
  it("starts with nothing set: the documented defaults", () => {
    assert.deepEqual(load({}), {
      port: 3000,
      databaseUrl: undefined,
      dataDir: "./data",
      embeddedLowMemory: false,
      redisUrl: undefined,
      redisPrefix: "hf:",
      adminEmail: undefined,
      adminPassword: undefined,
      sessionSecret: undefined,
      heartbeatIntervalMs: 25_000,
      heartbeatMinIntervalMs: 5_000,
      diagnosticsIdleProbesSec: [15, 30, 60, 120],
      offlineAfterMs: 30_000,
      releaseAfterMs: 120_000,
      deliveryRetryMs: 5_000,
      autoResolveAfterMs: 86_400_000,
      allowedOrigins: [],
      uploadMaxBytes: 10 * 1024 * 1024,
      logLevel: "info",
      production: false,
      trustProxy: undefined,
      metricsToken: undefined,
      publicUrl: undefined,
      email: { smtpUrl: undefined, from: "Holdfast <holdfast@localhost>", afterMs: 120_000 },
      limits: { socketsPerParticipant: 20, socketsPerIp: 1000, handshakesPerIpPerMinute: 3000, handshakesPerSecond: 0 },
      writePaceMs: 5,
      writePaceMaxMs: undefined,
      nodeName: undefined,
      wsDeflateThresholdBytes: 2048,
      webhooks: { timeoutMs: 10_000, retryFirstMs: 5000, retryMaxMs: 3_600_000, giveUpMs: 86_400_000, pollMs: 500, concurrency: 128 },
    });
  });

  it("PUBLIC_URL is an http(s) URL, kept without its trailing slash; the limits are positive counts", () => {
    assert.equal(load({ PUBLIC_URL: "https://chat.example.com/" }).publicUrl, "https://chat.example.com");
    assert.equal(load({ PUBLIC_URL: " http://10.0.0.5:3000/support/ " }).publicUrl, "http://10.0.0.5:3000/support");
    for (const bad of ["chat.example.com", "ftp://chat.example.com", "https://", "https://a.test/?q=1", "https://a b.test"]) {
      rejects({ PUBLIC_URL: bad }, "PUBLIC_URL");
    }
    const c = load({ SOCKETS_PER_PARTICIPANT: "5", SOCKETS_PER_IP: "50", HANDSHAKES_PER_IP_PER_MINUTE: "600", HANDSHAKES_PER_SECOND: "400" });
    assert.deepEqual(c.limits, { socketsPerParticipant: 5, socketsPerIp: 50, handshakesPerIpPerMinute: 600, handshakesPerSecond: 400 });
    rejects({ SOCKETS_PER_PARTICIPANT: "0", SOCKETS_PER_IP: "-1", HANDSHAKES_PER_IP_PER_MINUTE: "many" }, "SOCKETS_PER_PARTICIPANT", "SOCKETS_PER_IP", "HANDSHAKES_PER_IP_PER_MINUTE");
    assert.equal(load({ WRITE_PACE_MS: "0" }).writePaceMs, 0, "0: no pacing");
    rejects({ WRITE_PACE_MS: "500" }, "WRITE_PACE_MS");
    assert.equal(load({}).writePaceMaxMs, undefined, "unset: chosen by the database");
    assert.equal(load({ WRITE_PACE_MAX_MS: "0" }).writePaceMaxMs, 0, "0: the pace stays at WRITE_PACE_MS");
    rejects({ WRITE_PACE_MAX_MS: "500" }, "WRITE_PACE_MAX_MS");
  });

  it("SMTP_URL is an smtp:// or smtps:// URL; EMAIL_AFTER_MS a positive count", () => {
    const c = load({ SMTP_URL: "smtps://u:p@mail.example.com:465", MAIL_FROM: "Support <s@example.com>", EMAIL_AFTER_MS: "5000" });
    assert.deepEqual(c.email, { smtpUrl: "smtps://u:p@mail.example.com:465", from: "Support <s@example.com>", afterMs: 5000 });
    rejects({ SMTP_URL: "mail.example.com", EMAIL_AFTER_MS: "0" }, "SMTP_URL", "EMAIL_AFTER_MS");
    rejects({ SMTP_URL: "http://mail.example.com" }, "SMTP_URL");
  });

  it("the heartbeat floor never exceeds the heartbeat; idle probes are ascending whole seconds", () => {
    assert.equal(load({ HEARTBEAT_INTERVAL_MS: "3000", HEARTBEAT_MIN_INTERVAL_MS: "5000" }).heartbeatMinIntervalMs, 3000);
    assert.deepEqual(load({ DIAGNOSTICS_IDLE_PROBES_SEC: "60,15,15,30" }).diagnosticsIdleProbesSec, [15, 30, 60]);
    rejects({ DIAGNOSTICS_IDLE_PROBES_SEC: "fifteen", HEARTBEAT_MIN_INTERVAL_MS: "0" }, "DIAGNOSTICS_IDLE_PROBES_SEC", "HEARTBEAT_MIN_INTERVAL_MS");
  });

  it("coerces numbers from their string form", () => {
    const c = load({
      PORT: "8080", HEARTBEAT_INTERVAL_MS: "10000", OFFLINE_AFTER_MS: "15000", RELEASE_AFTER_MS: "60000",
      DELIVERY_RETRY_MS: "2500", UPLOAD_MAX_BYTES: "1048576", AUTO_RESOLVE_AFTER_MS: "3600000",
    });
    assert.equal(c.autoResolveAfterMs, 3_600_000);
    assert.equal(c.port, 8080);
    assert.equal(c.heartbeatIntervalMs, 10_000);
    assert.equal(c.offlineAfterMs, 15_000);
    assert.equal(c.releaseAfterMs, 60_000);
    assert.equal(c.deliveryRetryMs, 2_500);
    assert.equal(c.uploadMaxBytes, 1_048_576);
    assert.equal(load({ PORT: "0" }).port, 0); // 0 = any free port
    assert.equal(load({ PORT: "65535" }).port, 65_535);
  });

  it("rejects bad numbers with a message naming the variable", () => {
    rejects({ PORT: "abc" }, "PORT");
    rejects({ PORT: "65536" }, "PORT");
    rejects({ PORT: "-1" }, "PORT");
    rejects({ PORT: "80.5" }, "PORT");
    for (const v of ["HEARTBEAT_INTERVAL_MS", "OFFLINE_AFTER_MS", "RELEASE_AFTER_MS", "DELIVERY_RETRY_MS", "UPLOAD_MAX_BYTES", "AUTO_RESOLVE_AFTER_MS"]) {
      rejects({ [v]: "0" }, v);
      rejects({ [v]: "-5" }, v);
      rejects({ [v]: "1.5" }, v);
      rejects({ [v]: "soon" }, v);
    }
  });

  it("reports every bad variable at once, and only those", () => {
    const msg = rejects({ PORT: "x", LOG_LEVEL: "loud", OFFLINE_AFTER_MS: "0", RELEASE_AFTER_MS: "1000" },
      "PORT", "LOG_LEVEL", "OFFLINE_AFTER_MS");
    assert.doesNotMatch(msg, /RELEASE_AFTER_MS/);
  });

  it("DATABASE_URL must be a postgres:// or postgresql:// URL; blank means unset", () => {
    assert.equal(load({ DATABASE_URL: "postgres://u:p@db:5432/holdfast" }).databaseUrl, "postgres://u:p@db:5432/holdfast");
    assert.equal(load({ DATABASE_URL: "postgresql://db/holdfast" }).databaseUrl, "postgresql://db/holdfast");
    assert.equal(load({ DATABASE_URL: "  postgresql://db/x  " }).databaseUrl, "postgresql://db/x");
    assert.equal(load({ DATABASE_URL: "" }).databaseUrl, undefined);
    assert.equal(load({ DATABASE_URL: "   " }).databaseUrl, undefined);
    for (const bad of ["mysql://db/x", "sqlite:./x.db", "db.example.com:5432", "http://postgres/", "file:postgres://x"]) {
      const msg = rejects({ DATABASE_URL: bad }, "DATABASE_URL");
      assert.match(msg, /postgres:\/\/ or postgresql:\/\//);
    }
  });

  it("TRUST_PROXY: a number is a hop count, true/false are booleans, other forms pass to Express", () => {
    assert.equal(load({ TRUST_PROXY: "2" }).trustProxy, 2);
    assert.equal(load({ TRUST_PROXY: "true" }).trustProxy, true);
    assert.equal(load({ TRUST_PROXY: "false" }).trustProxy, false);
    assert.equal(load({ TRUST_PROXY: "loopback, 10.0.0.0/8" }).trustProxy, "loopback, 10.0.0.0/8");
    assert.equal(load({ METRICS_TOKEN: " t0ken " }).metricsToken, "t0ken");
  });

  it("NODE_NAME: 1-32 lowercase letters, digits and dashes (it starts session ids and is matched by the balancer)", () => {
    assert.equal(load({ NODE_NAME: "node-2" }).nodeName, "node-2");
    assert.equal(load({ NODE_NAME: " " }).nodeName, undefined);
    for (const bad of ["Node1", "node.1", "node_1", "a".repeat(33), "nöde"]) rejects({ NODE_NAME: bad }, "NODE_NAME");
  });

  it("EMBEDDED_DB_LOW_MEMORY: 0 or 1", () => {
    assert.equal(load({ EMBEDDED_DB_LOW_MEMORY: "1" }).embeddedLowMemory, true);
    assert.equal(load({ EMBEDDED_DB_LOW_MEMORY: "0" }).embeddedLowMemory, false);
    rejects({ EMBEDDED_DB_LOW_MEMORY: "yes" }, "EMBEDDED_DB_LOW_MEMORY");
  });

  it("IDENTITY_SECRET: unset by default, at least 16 characters when set", () => {
    assert.equal("identitySecret" in load({}), false);
    assert.equal(load({ IDENTITY_SECRET: "  " }).identitySecret, undefined);
    assert.equal(load({ IDENTITY_SECRET: " 0123456789abcdef " }).identitySecret, "0123456789abcdef");
    rejects({ IDENTITY_SECRET: "short" }, "IDENTITY_SECRET");
  });

  it("optional strings are trimmed and blank means unset", () => {
    const c = load({ REDIS_URL: " redis://r:6379 ", ADMIN_EMAIL: "admin@example.com", ADMIN_PASSWORD: "   ", SESSION_SECRET: "s3cret", TRUST_PROXY: "1" });
    assert.equal(c.redisUrl, "redis://r:6379");
    assert.equal(c.adminEmail, "admin@example.com");
    assert.equal(c.adminPassword, undefined);
    assert.equal(c.sessionSecret, "s3cret");
    assert.equal(c.trustProxy, 1, "a number is a hop count, not an address");
    assert.equal(load({ REDIS_URL: "" }).redisUrl, undefined);
    assert.equal(load({ REDIS_PREFIX: "shop-a:" }).redisPrefix, "shop-a:");
    assert.throws(() => load({ REDIS_PREFIX: "has space" }), /REDIS_PREFIX/);
    assert.equal(load({ DATA_DIR: "/var/lib/holdfast" }).dataDir, "/var/lib/holdfast");
  });

  it("ALLOWED_ORIGINS is split on commas, trimmed, its trailing slash removed, blanks dropped", () => {
    assert.deepEqual(load({ ALLOWED_ORIGINS: "https://shop.example.com" }).allowedOrigins, ["https://shop.example.com"]);
    assert.deepEqual(
      load({ ALLOWED_ORIGINS: " https://a.example.com/ ,http://b.example.com:8080,, https://c.example.com " }).allowedOrigins,
      ["https://a.example.com", "http://b.example.com:8080", "https://c.example.com"],
    );
    assert.deepEqual(load({ ALLOWED_ORIGINS: "" }).allowedOrigins, []);
    assert.deepEqual(load({ ALLOWED_ORIGINS: " , ," }).allowedOrigins, []);
  });

  it("ALLOWED_ORIGINS accepts only plain origins (they end up in CORS and CSP headers)", () => {
    for (const bad of ["https://a.example.com/path", "https://a.example.com; frame-ancestors *", "a.example.com", "*",
      "https://ok.example.com,ftp://b.example.com"]) {
      rejects({ ALLOWED_ORIGINS: bad }, "ALLOWED_ORIGINS");
    }
  });

  it("LOG_LEVEL is one of debug, info, warn, error, silent", () => {
    for (const level of ["debug", "info", "warn", "error", "silent"] as const) assert.equal(load({ LOG_LEVEL: level }).logLevel, level);
    for (const bad of ["verbose", "trace", "INFO", ""]) rejects({ LOG_LEVEL: bad }, "LOG_LEVEL");
  });

  it("production only when NODE_ENV is exactly production", () => {
    assert.equal(load({ NODE_ENV: "production" }).production, true);
    assert.equal(load({ NODE_ENV: "development" }).production, false);
    assert.equal(load({ NODE_ENV: "test" }).production, false);
    assert.equal(load({}).production, false);
  });

  it("ignores unrelated variables and does not read process.env", () => {
    const saved = process.env.PORT;
    process.env.PORT = "4321";
    try {
      assert.equal(load({ PATH: "/usr/bin", HOME: "/root", SOMETHING_ELSE: "x" }).port, 3000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});
