// A full garbage collection in a running server, from outside: a server started with
// --inspect-port (which opens nothing by itself) opens its inspector on SIGUSR1, and the
// DevTools protocol's HeapProfiler.collectGarbage collects its main thread's heap. So
// memory is compared live data to live data, not garbage that happened to be pending.
import WebSocket from "ws"; // socket.io-client's own dependency

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens the inspector of process `pid` (started with --inspect-port=127.0.0.1:`port`). */
export async function inspect(pid, port) {
  process.kill(pid, "SIGUSR1");
  let target;
  for (let i = 0; i < 50 && !target; i++) {
    target = await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json()).then((l) => l[0], () => undefined);
    if (!target) await sleep(100);
  }
  if (!target) throw new Error(`no inspector on port ${port}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
  let id = 0;
  const waiting = new Map();
  ws.on("message", (data) => {
    const m = JSON.parse(String(data));
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const call = (method) => new Promise((resolve) => {
    waiting.set(++id, resolve);
    ws.send(JSON.stringify({ id, method }));
  });
  return {
    /** A full GC, then a pause for the freed pages to be given back. */
    async gc() {
      await call("HeapProfiler.collectGarbage");
      await sleep(1000);
    },
    /** The main thread's JS heap in use, MB. */
    heapUsedMb: async () => (await call("Runtime.getHeapUsage")).result.usedSize / 2 ** 20,
    close: () => ws.close(),
  };
}
