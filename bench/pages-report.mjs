// The "pages" section of BENCHMARKS.md, from bench/pages.mjs's results.
import { fmt, writeSection } from "./report.mjs";

const kb = (b) => `${fmt(b / 1024, 1)} KB`;
// A cache hit: no bytes came, whatever status the cache stored.
const fate = (r) => (r.cached || (r.bytes === 0 && r.status === 200) ? "cache" : r.status === 304 ? "304" : String(r.status ?? "?"));

export function writePagesSection({ command, machine, loadAfter, network, runs, results, deflate }) {
  const rows = results.map((r) =>
    `| ${r.label} | ${fmt(r.first.ms, 0)} ms | ${kb(r.first.bytes)} | ${fmt(r.repeat.ms, 0)} ms | ${fmt(r.repeat.connectedMs, 0)} ms | ${kb(r.repeat.bytes)} |`);
  const last = results.at(-1);
  // Times are from the first request's start (CDP's monotonic clock), so the chain shows.
  const table = (list) => {
    const t0 = Math.min(...list.map((r) => r.start ?? Infinity));
    const at = (t) => (t ? fmt((t - t0) * 1000, 0) : "-");
    return list.map((r) => `| ${r.url.replace(/\?.*$/, (q) => q.slice(0, 12))} | ${fate(r)} | ${at(r.start)} | ${at(r.end)} | ${r.bytes ?? 0} B |`).join("\n");
  };
  const head = "| request | answer | sent at ms | done at ms | bytes |\n| --- | --- | ---: | ---: | ---: |";
  const body = `## Pages: the widget across a slow, far link (\`npm run bench:pages\`)

${new Date().toISOString().slice(0, 10)}, ${machine}; load average after: ${loadAfter.map((x) => x.toFixed(2)).join(", ")}.
Command: \`${command}\`.

Chromium (Debian's, playwright-core) with CDP Network.emulateNetworkConditions: ${network.latency} ms latency
(RTT), ${fmt((network.downloadThroughput * 8) / 1e6, 2)} Mbps down, ${fmt((network.uploadThroughput * 8) / 1e3, 0)} kbps up. A shop on another origin
embeds widget.js; time from the shop's navigation start until the widget's iframe has an
enabled composer: usable, since a message written then goes to the durable outbox
(localStorage) and is sent once the socket is up. First visit: fresh profile (a first
visitor's socket opens with the first message); repeat visit: the same profile after one
message, warm cache, and apart the time until its socket is connected (\`ready\`
received: what the repeat figure measured before 2026-12-02 evening). Each time is the
frame's own mark (a MutationObserver in it notes the change), not a poll's: animation
frames are throttled in the hidden frame and added up to 300 ms. Medians of ${runs}
runs each; bytes are what the browser received (encoded, headers included).

| build | first visit | bytes | repeat visit | repeat: socket connected | bytes |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

Request by request for "${last.label}" (cache: answered from the browser's cache, no
request sent; 304: revalidated; a request not done when the composer was ready shows "-").
First visit:

${head}
${table(last.breakdownFirst)}

Repeat visit:

${head}
${table(last.breakdown)}

### WebSocket deflate for large frames

A \`sync\` of ${deflate.on.messages} messages (about 110 characters each), ${deflate.syncs} times, agent over
WebSocket: bytes the client's TCP socket read per answer and the server's CPU time per
answer (its process CPU, divided by the syncs).

| WS_DEFLATE_THRESHOLD_BYTES | negotiated | bytes per sync | server CPU per sync |
| --- | --- | ---: | ---: |
| 0 (off) | ${deflate.off.extensions} | ${kb(deflate.off.bytesPerSync)} | ${fmt(deflate.off.cpuMsPerSync, 1)} ms |
| ${deflate.on.threshold} (default) | ${deflate.on.extensions} | ${kb(deflate.on.bytesPerSync)} | ${fmt(deflate.on.cpuMsPerSync, 1)} ms |
`;
  return writeSection("pages", body);
}
