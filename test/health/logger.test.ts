// The logger: JSON lines with levels from LOG_LEVEL, errors with message and stack, and no
// secret in any line, except the one line that hands a newcomer the generated admin
// password (through the real ensureAdmin, so that a reworded line fails here).
import assert from "node:assert/strict";
import { createAccountsRepository } from "../../src/accounts/accounts.repository.js";
import { createAccountsService } from "../../src/accounts/accounts.service.js";
import { createTokens } from "../../src/accounts/tokens.js";
import { loadConfig } from "../../src/config.js";
import { openInfrastructure } from "../../src/infrastructure.js";
import { createLogger, type LogLevel } from "../../src/lib/logger.js";
import { freshStore } from "../helpers/server.js";

type Line = Record<string, unknown> & { level: string; msg: string; time: string };

function capture(level: LogLevel = "debug") {
  const raw: string[] = [];
  const log = createLogger(level, { write: (s: string) => void raw.push(s) });
  const lines = () => raw.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);
  return { log, raw, lines, text: () => raw.join("") };
}

const SECRETS = {
  password: "pw-top-1a2b",
  nested: "pw-nested-3c4d",
  token: "tok-visitor-5e6f",
  cookie: "s%3Acookie-7a8b",
  authorization: "abc.def.ghi-bearer",
  sessionSecret: "session-secret-9c0d",
  apiKey: "hfk_api-key-1e2f",
  dbPassword: "db-pass-3a4b",
  redisPassword: "redis-pass-5c6d",
  errHeader: "err-header-tok-7e8f",
  arrayToken: "array-token-9a0b",
};

describe("logger", () => {
  it("writes one JSON line per event, with the level's name, an ISO time and the context", () => {
    const c = capture("info");
    c.log.info("holdfast listening", { port: 4321, database: "pglite" });
    c.log.debug("not at info");
    const [line, ...rest] = c.lines();
    assert.equal(rest.length, 0);
    assert.equal(line.level, "info");
    assert.equal(line.msg, "holdfast listening");
    assert.equal(line.port, 4321);
    assert.ok(!Number.isNaN(Date.parse(line.time)));
    assert.ok(c.text().endsWith("}\n"));
  });

  it("follows LOG_LEVEL, silent included", () => {
    const warn = capture("warn");
    for (const l of ["debug", "info", "warn", "error"] as const) warn.log[l](`at ${l}`);
    assert.deepEqual(warn.lines().map((l) => l.level), ["warn", "error"]);
    const silent = capture("silent");
    for (const l of ["debug", "info", "warn", "error"] as const) silent.log[l](`at ${l}`, { x: 1 });
    assert.equal(silent.raw.length, 0);
  });

  it("serialises errors with message and stack, at any depth", () => {
    const c = capture();
    const err = new Error("boom");
    c.log.error("socket handler failed", { event: "message:send", err, inner: { cause: new RangeError("deep") } });
    const line = c.lines()[0] as Line & { err: { message: string; stack: string; type: string }; inner: { cause: { message: string } } };
    assert.equal(line.err.message, "boom");
    assert.equal(line.err.type, "Error");
    assert.match(line.err.stack, /Error: boom\n\s+at /);
    assert.equal(line.inner.cause.message, "deep");
  });

  it("redacts passwords, tokens, cookies, authorization headers and secrets, nested too", () => {
    const c = capture();
    const err = Object.assign(new Error(`connect redis://:${SECRETS.redisPassword}@redis:6379 failed`), {
      config: { headers: { Authorization: `Bearer ${SECRETS.errHeader}` } },
    });
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    c.log.warn("request failed", {
      password: SECRETS.password,
      user: { email: "a@b.c", profile: { newPassword: SECRETS.nested, apiKey: SECRETS.apiKey } },
      req: { method: "POST", headers: { authorization: `Bearer ${SECRETS.authorization}`, cookie: `hf.sid=${SECRETS.cookie}`, "user-agent": "ua" } },
      handshake: { auth: { token: SECRETS.token, lastSeq: 3 } },
      config: { sessionSecret: SECRETS.sessionSecret, databaseUrl: `postgres://holdfast:${SECRETS.dbPassword}@db:5432/holdfast` },
      list: [{ token: SECRETS.arrayToken }],
      note: `sent Bearer ${SECRETS.authorization} along`,
      circular,
      err,
    });
    const text = c.text();
    for (const [name, value] of Object.entries(SECRETS)) assert.ok(!text.includes(value), `${name} leaked: ${text}`);
    // What is not secret stays readable.
    const line = c.lines()[0] as Line & {
      user: { email: string; profile: { newPassword: string } };
      req: { method: string; headers: Record<string, string> };
      handshake: { auth: { token: string; lastSeq: number } };
      config: { databaseUrl: string };
      err: { message: string; stack: string };
    };
    assert.equal(line.password, "[Redacted]");
    assert.equal(line.user.email, "a@b.c");
    assert.equal(line.user.profile.newPassword, "[Redacted]");
    assert.equal(line.req.method, "POST");
    assert.equal(line.req.headers.authorization, "[Redacted]");
    assert.equal(line.req.headers.cookie, "[Redacted]");
    assert.equal(line.req.headers["user-agent"], "ua");
    assert.equal(line.handshake.auth.token, "[Redacted]");
    assert.equal(line.handshake.auth.lastSeq, 3);
    assert.equal(line.config.databaseUrl, "postgres://holdfast:[Redacted]@db:5432/holdfast");
    assert.match(line.err.message, /^connect redis:\/\/:\[Redacted\]@redis:6379 failed$/);
    assert.match(line.err.stack, /redis:\/\/:\[Redacted\]@redis/);
  });

  it("shows the generated admin password in its one start-up line, and only that key", async () => {
    const c = capture("info");
    const store = await freshStore("pglite");
    const config = loadConfig({ ...store.env, LOG_LEVEL: "info" });
    const infra = await openInfrastructure(config, c.log);
    try {
      const accounts = createAccountsService(createAccountsRepository(infra.db.prisma), createTokens(infra.sessionSecret), c.log);
      await accounts.ensureAdmin(undefined, undefined); // no ADMIN_PASSWORD: one is generated
      const line = c.lines().find((l) => l.msg === "admin agent created with a generated password");
      assert.ok(line, c.text());
      assert.equal(typeof line.password, "string");
      assert.notEqual(line.password, "[Redacted]");
      // It is the real password: the newcomer can sign in with it.
      assert.ok(await accounts.checkPassword(String(line.email), String(line.password)), "the logged password signs in");
    } finally {
      await infra.close();
      await store.drop();
    }
    // The exception spares that one key of that one line.
    c.log.warn("admin agent created with a generated password", { email: "x@y.z", password: "shown-pw", token: "hidden-tok" });
    c.log.warn("admin agent created", { password: "hidden-pw" });
    const text = c.text();
    assert.ok(text.includes("shown-pw"));
    assert.ok(!text.includes("hidden-tok"));
    assert.ok(!text.includes("hidden-pw"));
  });
});
