// A starting node (realtime/starting.ts, as index.ts runs it): the port answers before the
// database is open; /healthz 200, /readyz 503, and a handshake fails with connect_error
// `{ code: "UNAVAILABLE", retryAfterMs }`, spread with jitter. The same client socket,
// trying again when told, then connects: no restart of the client is needed.
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { STARTING_RETRY_MS, STARTING_SPREAD_MS } from "../../src/realtime/starting.js";
import { visitorSession, type ClientSocket, type ConnectError } from "../helpers/clients.js";
import { freshStore, startServer, type Store, type TestServer } from "../helpers/server.js";

describe("a starting node", function () {
  this.timeout(60_000);
  let store: Store;
  let srv: TestServer | undefined;
  let socket: ClientSocket | undefined;
  before(async () => (store = await freshStore("pglite")));
  after(async () => {
    socket?.disconnect();
    await srv?.stop();
    await store.drop();
  });

  it("answers handshakes UNAVAILABLE with retryAfterMs until it is ready; the client then connects on its next try", async () => {
    // A visitor of the node before its restart.
    const first = await startServer({ store });
    const { token } = await visitorSession(first.url);
    await first.stop();

    const told: number[] = [];
    srv = await startServer({
      store,
      whileStarting: async (url) => {
        assert.equal((await fetch(`${url}/healthz`)).status, 200);
        const ready = await fetch(`${url}/readyz`);
        assert.equal(ready.status, 503);
        assert.equal((await ready.json()).error.code, "UNAVAILABLE");
        socket = io(`${url}/visitor`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
        for (let i = 0; i < 3; i++) {
          const err = await new Promise<ConnectError>((resolve) => {
            socket!.once("connect_error", resolve);
            if (i > 0) socket!.connect();
          });
          assert.equal(err.data?.code, "UNAVAILABLE", `refused with ${JSON.stringify(err.data)} (${err.message})`);
          told.push(err.data!.retryAfterMs!);
        }
      },
    });
    for (const ms of told) assert.ok(ms >= STARTING_RETRY_MS && ms <= STARTING_RETRY_MS + STARTING_SPREAD_MS, `told ${ms} ms`);
    assert.ok(new Set(told).size > 1, `the told delays are spread: ${told}`);
    assert.equal((await fetch(`${srv.url}/readyz`)).status, 200);

    const ready = await new Promise((resolve, reject) => {
      socket!.once("ready", resolve);
      socket!.once("connect_error", reject);
      socket!.connect();
    });
    assert.ok(ready, "ready on the same client socket");
  });
});
