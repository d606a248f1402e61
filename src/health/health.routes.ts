// Liveness, readiness and Prometheus metrics.
import { Router } from "express";
import type { Deps } from "../services.js";

export function healthRoutes(d: Deps) {
  const r = Router();
  r.get("/healthz", (_req, res) => void res.json({ ok: true }));

  r.get("/readyz", async (_req, res) => {
    const checks: Record<string, boolean> = {};
    const timeout = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), 2000).unref())]);
    checks.database = await timeout(d.db.prisma.$queryRawUnsafe("SELECT 1")).then(() => true, () => false);
    if (d.redis) checks.redis = await timeout(d.redis.cmd.ping()).then((p) => p === "PONG", () => false);
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ ok, checks });
  });

  r.get("/metrics", async (_req, res) => {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const sizes = await d.presence.size();
    const lines = [
      "# TYPE holdfast_sockets gauge",
      `holdfast_sockets{namespace="visitor"} ${d.delivery.visitors.sockets.size}`,
      `holdfast_sockets{namespace="agent"} ${d.delivery.agents.sockets.size}`,
      "# TYPE holdfast_messages_written_total counter",
      `holdfast_messages_written_total ${d.writer.stats.messages}`,
      "# TYPE holdfast_write_batches_total counter",
      `holdfast_write_batches_total ${d.writer.stats.batches}`,
      "# TYPE holdfast_write_fallbacks_total counter",
      `holdfast_write_fallbacks_total ${d.writer.stats.fallbacks}`,
      "# TYPE holdfast_write_queue gauge",
      `holdfast_write_queue ${d.writer.queueLength()}`,
      "# TYPE holdfast_deliveries_total counter",
      `holdfast_deliveries_total{result="emitted"} ${d.delivery.stats.emitted}`,
      `holdfast_deliveries_total{result="retried"} ${d.delivery.stats.retried}`,
      `holdfast_deliveries_total{result="gave_up"} ${d.delivery.stats.gaveUp}`,
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
