// The "presence" section of BENCHMARKS.md, from the rows of bench/presence.bench.ts.
import { fmt as f, writeSection } from "./report.mjs";

export function writePresenceSection({ rows, notes, host, startedAt, N, COMPRESS, HB_MS, SECONDS, argv }) {
  const driver = rows.find((r) => r.store === "driver only" && r.phase.startsWith("steady"));
  const driverPerS = driver.cpuMs / driver.wallS;
  const line = (r) => {
    const steady = r.phase.startsWith("steady");
    const perS = r.cpuMs / r.wallS;
    const net = steady ? perS - driverPerS : NaN;
    const redisPerS = r.redisCpuMs / r.wallS;
    const keys = r.redisKeys ? `${r.redisKeys.count} keys, ${f(r.redisKeys.mb)} MB` : "-";
    return `| ${r.store} | ${r.phase} | ${f(r.wallS)} | ${f(r.cpuMs, 0)} | ${steady ? f(net) : "-"} | ${steady ? f(net / COMPRESS, 2) : "-"} | ` +
      `${Number.isFinite(r.redisCpuMs) ? (steady ? `${f(redisPerS)} ms/s` : `${f(r.redisCpuMs, 0)} ms`) : "-"} | ` +
      `${f(r.heapMb)} | ${f(r.rssMb, 0)} | ${keys} | ${r.note} |`;
  };
  const mem = rows.find((r) => r.store === "memory" && r.phase.startsWith("steady"));
  const red = rows.find((r) => r.store === "redis" && r.phase.startsWith("steady"));
  const perVisitor = (r) => (r ? `${f((r.heapMb * 2 ** 20) / N, 0)} bytes of heap per visitor` : "");
  const md = `## Presence bookkeeping at ${N.toLocaleString("en")} visitors

Run: ${startedAt.toISOString()}, ${host}.
Command: \`npm run bench:presence${argv.length ? ` -- ${argv.join(" ")}` : ""}\` (in the repository root).

${N.toLocaleString("en")} visitors connect to one presence store, then each sends a heartbeat
(\`hb\`: traffic + RTT) and a transport pong (traffic) every ${HB_MS} ms: the production
interval of 25 s compressed ${COMPRESS}x, with offline/release deadlines compressed alike, so
deadlines fire and re-arm as in production. 2 % of visitors have a bad link (RTT
900-1500 ms, so \`unstable\`). The steady phase starts after everyone's first deadline and
lasts ${SECONDS} s. "driver only" is the same load against a no-op store: its CPU is the
load loop's own and is subtracted ("net"). CPU is this process's user + system time, in
ms of CPU per second of wall time (10 ms/s = 1 % of one core); "at real rate" divides the
net figure by ${COMPRESS}, since production sends ${COMPRESS}x fewer events. Heap is the
growth of the V8 heap after a forced GC; Redis memory is \`MEMORY USAGE\` summed over this
run's keys; redis-server CPU is from \`INFO cpu\` (the Redis may be shared with other
processes, so it is an upper bound).

| store | phase | wall s | CPU ms | net CPU ms/s (10x load) | net CPU ms/s at real rate | redis-server CPU | heap MB | process RSS MB | Redis keys | notes |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.map(line).join("\n")}

Summary: the memory store holds ${N.toLocaleString("en")} visitors in ${f(mem?.heapMb)} MB of heap (${perVisitor(mem)})${
    mem ? ` and spends ${f((mem.cpuMs / mem.wallS - driverPerS) / COMPRESS, 2)} ms of CPU per second at the real heartbeat rate` : ""}.${
    red ? ` The Redis store: ${f((red.cpuMs / red.wallS - driverPerS) / COMPRESS, 2)} ms/s in the node and ${f(red.redisCpuMs / red.wallS / COMPRESS, 2)} ms/s in redis-server at the real rate, ${red.redisKeys ? `${f(red.redisKeys.mb)} MB in Redis` : ""}.` : ""}
${notes.length ? `\n${notes.map((n) => `- ${n}`).join("\n")}\n` : ""}`;
  console.log(md);
  return writeSection("presence", md);
}
