// /metrics on a real server: prom-client's text format with this instance's registry
// (histograms that count after a real round trip, default process metrics, no counters
// shared between two servers in one process), and who may read it (PROTOCOL.md sections
// 1 and 2): METRICS_TOKEN as a bearer token, or loopback clients when it is unset, judged
// by the socket's address and never by X-Forwarded-For.
import assert from "node:assert/strict";
import http from "node:http";
import { isLoopback, metricsAccess, tokenMatches } from "../../src/health/metrics-access.js";
import { AppError } from "../../src/lib/errors.js";
import { createMetrics, dependencyOf } from "../../src/lib/metrics.js";
import { agentToken, call, connectAgent, connectVisitor, expectOk, until, visitorSession } from "../helpers/clients.js";
import { serverPerSuite, startServer } from "../helpers/server.js";

/** A GET with full control of the headers. */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", reject);
  });
}

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(series + " ")) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe("/metrics", function () {
  describe("content, without METRICS_TOKEN (loopback)", () => {
    // TRUST_PROXY=1: req.ip follows X-Forwarded-For here, the access decision must not.
    const srv = serverPerSuite(() => startServer({ env: { TRUST_PROXY: "1", DELIVERY_RETRY_MS: "2000" } }));

    it("serves the Prometheus text format with the default process metrics", async () => {
      const r = await get(`${srv.url}/metrics`);
      assert.equal(r.status, 200);
      assert.match(r.type, /^text\/plain; version=0\.0\.4/);
      for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes"]) {
        assert.match(r.body, new RegExp(`^# TYPE ${name} `, "m"), name);
      }
      for (const [name, type] of [
        ["holdfast_ack_seconds", "histogram"],
        ["holdfast_write_batch_seconds", "histogram"],
        ["holdfast_fanout_seconds", "histogram"],
        ["holdfast_dependency_errors_total", "counter"],
        ["holdfast_messages_written_total", "counter"],
        ["holdfast_write_batches_total", "counter"],
        ["holdfast_write_fallbacks_total", "counter"],
        ["holdfast_deliveries_total", "counter"],
        ["holdfast_sockets", "gauge"],
        ["holdfast_write_queue", "gauge"],
        ["holdfast_write_pace_seconds", "gauge"],
        ["holdfast_presence_entries", "gauge"],
      ]) {
        assert.match(r.body, new RegExp(`^# TYPE ${name} ${type}$`, "m"), name);
      }
      assert.equal(sample(r.body, 'holdfast_dependency_errors_total{dependency="database"}'), 0);
      assert.equal(sample(r.body, 'holdfast_dependency_errors_total{dependency="redis"}'), 0);
    });

    it("counts a real round trip in the histograms, counters and gauges", async () => {
      const agent = await connectAgent(srv.url, (await agentToken(srv.url)).token);
      const visitor = await connectVisitor(srv.url, (await visitorSession(srv.url)).token);
      const sent = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "m1", type: "text", body: "Hello" }));
      await until(() => agent.received.some((m) => m.id === sent.message.id), 5000, "agent receives");
      expectOk(await call(visitor.socket, "hb", { t: Date.now() }));
      // The fan-out is observed when the recipient's ack comes back.
      let text = "";
      await until(async () => {
        text = (await get(`${srv.url}/metrics`)).body;
        return (sample(text, "holdfast_fanout_seconds_count") ?? 0) >= 1;
      }, 5000, "fan-out observed");
      assert.ok(sample(text, 'holdfast_ack_seconds_count{event="message:send"}')! >= 1);
      assert.ok(sample(text, 'holdfast_ack_seconds_count{event="hb"}')! >= 1);
      assert.ok(sample(text, 'holdfast_ack_seconds_bucket{le="+Inf",event="message:send"}')! >= 1);
      assert.ok(sample(text, "holdfast_write_batch_seconds_count")! >= 1);
      assert.ok(sample(text, "holdfast_write_batch_seconds_sum")! > 0);
      assert.ok(sample(text, "holdfast_messages_written_total")! >= 1);
      assert.ok(sample(text, "holdfast_write_batches_total")! >= 1);
      assert.ok(sample(text, 'holdfast_deliveries_total{result="emitted"}')! >= 1);
      assert.equal(sample(text, 'holdfast_sockets{namespace="visitor"}'), 1);
      assert.equal(sample(text, 'holdfast_sockets{namespace="agent"}'), 1);
      assert.equal(sample(text, "holdfast_write_queue"), 0);
      // A message or two is a light load: the least pace (WRITE_PACE_MS, 5 ms by default).
      assert.equal(sample(text, "holdfast_write_pace_seconds"), 0.005);
      assert.ok(sample(text, 'holdfast_presence_entries{kind="visitors"}')! >= 1);
      visitor.close();
      agent.close();
      await until(async () => sample((await get(`${srv.url}/metrics`)).body, 'holdfast_sockets{namespace="visitor"}') === 0, 5000, "gauge reads live");
    });

    it("keeps each server's counters apart (a registry per application)", async () => {
      const other = await startServer();
      try {
        const mine = (await get(`${srv.url}/metrics`)).body;
        const theirs = (await get(`${other.url}/metrics`)).body;
        assert.ok(sample(mine, "holdfast_messages_written_total")! >= 1);
        assert.equal(sample(theirs, "holdfast_messages_written_total"), 0);
        assert.equal(sample(theirs, "holdfast_write_batch_seconds_count"), 0);
        assert.equal(sample(theirs, 'holdfast_ack_seconds_count{event="message:send"}'), undefined);
        // Default metrics exist in both, once each.
        assert.equal(theirs.match(/^# TYPE process_cpu_seconds_total /gm)?.length, 1);
      } finally {
        await other.stop();
      }
    });

    it("answers a loopback socket even when X-Forwarded-For names another client", async () => {
      const r = await get(`${srv.url}/metrics`, { "x-forwarded-for": "203.0.113.7" });
      assert.equal(r.status, 200);
    });
    // A non-loopback peer is refused: the decision is a pure function of the socket's
    // address (unit tests below), and tests only ever connect over loopback.
  });

  describe("with METRICS_TOKEN", () => {
    const srv = serverPerSuite(() => startServer({ env: { METRICS_TOKEN: "s3cret-metrics-token" } }));

    for (const [what, headers] of [
      ["no Authorization", {}],
      ["a wrong token", { authorization: "Bearer not-the-token" }],
      ["a token of the same length", { authorization: "Bearer s3cret-metrics-tokem" }],
      ["the token without Bearer", { authorization: "s3cret-metrics-token" }],
    ] as const) {
      it(`answers 401 AUTH_INVALID to ${what}, loopback or not`, async () => {
        const r = await get(`${srv.url}/metrics`, headers);
        assert.equal(r.status, 401);
        assert.equal(JSON.parse(r.body).error.code, "AUTH_INVALID");
        assert.doesNotMatch(r.body, /holdfast_/);
      });
    }

    it("serves the metrics with the token", async () => {
      const r = await get(`${srv.url}/metrics`, { authorization: "Bearer s3cret-metrics-token" });
      assert.equal(r.status, 200);
      assert.match(r.body, /^holdfast_messages_written_total 0$/m);
    });
  });

  describe("the access decision (unit)", () => {
    const req = (remoteAddress: string | undefined, headers: Record<string, string> = {}) => ({ headers, socket: { remoteAddress } });

    it("knows loopback addresses", () => {
      for (const a of ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "::FFFF:127.1.2.3"]) assert.equal(isLoopback(a), true, a);
      for (const a of [undefined, "", "10.0.0.1", "192.0.2.2", "::ffff:10.0.0.1", "fd00::1", "128.0.0.1", "127.0.0.1.evil", "::2"]) {
        assert.equal(isLoopback(a), false, String(a));
      }
    });

    it("reads the socket's address only: X-Forwarded-For changes nothing", () => {
      assert.equal(metricsAccess(req("203.0.113.5", { "x-forwarded-for": "127.0.0.1" }), undefined), "FORBIDDEN");
      assert.equal(metricsAccess({ ...req("203.0.113.5", { "x-forwarded-for": "::1" }), ip: "127.0.0.1" } as never, undefined), "FORBIDDEN");
      assert.equal(metricsAccess(req("127.0.0.1", { "x-forwarded-for": "203.0.113.5" }), undefined), "allowed");
      assert.equal(metricsAccess(req("::ffff:127.0.0.1"), undefined), "allowed");
    });

    it("with a token, asks for it from everyone, loopback included", () => {
      assert.equal(metricsAccess(req("127.0.0.1"), "tok"), "AUTH_INVALID");
      assert.equal(metricsAccess(req("127.0.0.1", { authorization: "Bearer nope" }), "tok"), "AUTH_INVALID");
      assert.equal(metricsAccess(req("203.0.113.5", { authorization: "Bearer tok" }), "tok"), "allowed");
      assert.equal(metricsAccess(req("203.0.113.5", { authorization: "bearer tok" }), "tok"), "allowed");
      assert.equal(tokenMatches("a", "a-much-longer-token"), false);
    });
  });

  describe("dependency errors (unit)", () => {
    it("classifies errors by their shape", () => {
      const named = (name: string, message = "x") => Object.assign(new Error(message), { name });
      assert.equal(dependencyOf(named("ReplyError")), "redis");
      assert.equal(dependencyOf(named("MaxRetriesPerRequestError")), "redis");
      assert.equal(dependencyOf(new Error("Connection is closed.")), "redis");
      assert.equal(dependencyOf(named("PrismaClientInitializationError")), "database");
      assert.equal(dependencyOf(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })), "database");
      assert.equal(dependencyOf(Object.assign(new Error("terminating"), { code: "57P01", severity: "FATAL" })), "database");
      assert.equal(dependencyOf(Object.assign(new Error("dup"), { code: "23505", severity: "ERROR" })), null, "unique violations are races, not outages");
      assert.equal(dependencyOf(new AppError("UNAVAILABLE", "counted where converted")), null);
      assert.equal(dependencyOf(new TypeError("a bug")), null);
    });

    it("counts in its own registry, through the helper others call", async () => {
      const a = createMetrics();
      const b = createMetrics();
      a.dependencyError("redis");
      a.dependencyError("redis");
      a.observeError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
      const ta = (await a.expose()).body;
      const tb = (await b.expose()).body;
      assert.equal(sample(ta, 'holdfast_dependency_errors_total{dependency="redis"}'), 2);
      assert.equal(sample(ta, 'holdfast_dependency_errors_total{dependency="database"}'), 1);
      assert.equal(sample(tb, 'holdfast_dependency_errors_total{dependency="redis"}'), 0);
    });
  });
});
