// Liveness, readiness and Prometheus metrics.
import { Router } from "express";
import type { MessageWriter } from "../conversations/message-writer.js";
import type { PresenceStore } from "../presence/presence.types.js";
import type { Realtime } from "../realtime/realtime.js";

export interface HealthDeps {
  /** Each dependency's cheapest round trip (readiness): resolves when it answers. */
  checks: Record<string, () => Promise<unknown>>;
  writer: Pick<MessageWriter, "stats" | "queueLength">;
  realtime: Pick<Realtime, "stats" | "socketCounts">;
  presence: Pick<PresenceStore, "size">;
}

export function healthRoutes(d: HealthDeps) {
  const r = Router();
  r.get("/healthz", (_req, res) => void res.json({ ok: true }));

  r.get("/readyz", async (_req, res) => {
    const checks: Record<string, boolean> = {};
    const timeout = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), 2000).unref())]);
    for (const [name, check] of Object.entries(d.checks)) {
      checks[name] = await timeout(check()).then(() => true, () => false);
    }
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ ok, checks });
  });

  r.get("/metrics", async (_req, res) => {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const sizes = await d.presence.size();
    const sockets = d.realtime.socketCounts();
    const lines = [
      "# TYPE holdfast_sockets gauge",
      `holdfast_sockets{namespace="visitor"} ${sockets.visitor}`,
      `holdfast_sockets{namespace="agent"} ${sockets.agent}`,
      "# TYPE holdfast_messages_written_total counter",
      `holdfast_messages_written_total ${d.writer.stats.messages}`,
      "# TYPE holdfast_write_batches_total counter",
      `holdfast_write_batches_total ${d.writer.stats.batches}`,
      "# TYPE holdfast_write_fallbacks_total counter",
      `holdfast_write_fallbacks_total ${d.writer.stats.fallbacks}`,
      "# TYPE holdfast_write_queue gauge",
      `holdfast_write_queue ${d.writer.queueLength()}`,
      "# TYPE holdfast_deliveries_total counter",
      `holdfast_deliveries_total{result="emitted"} ${d.realtime.stats.emitted}`,
      `holdfast_deliveries_total{result="retried"} ${d.realtime.stats.retried}`,
      `holdfast_deliveries_total{result="gave_up"} ${d.realtime.stats.gaveUp}`,
      "# TYPE holdfast_presence_entries gauge",
      ...Object.entries(sizes).map(([k, v]) => `holdfast_presence_entries{kind="${k}"} ${v}`),
      "# TYPE process_resident_memory_bytes gauge",
      `process_resident_memory_bytes ${mem.rss}`,
      "# TYPE process_heap_used_bytes gauge",
      `process_heap_used_bytes ${mem.heapUsed}`,
      "# TYPE process_cpu_seconds_total counter",
      `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    ];
    res.type("text/plain; version=0.0.4").send(lines.join("\n") + "\n");
  });
  return r;
}
