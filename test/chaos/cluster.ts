// The chaos suite's deployment: a fresh PostgreSQL database and Redis, each behind a TCP
// fault proxy; three nodes (the built server as child processes, NODE_NAME node1..node3,
// on ports fixed for the run so that a killed node comes back where nginx expects it);
// nginx in front with the README's recipe. Each node's /readyz is sampled directly all
// the time, and every exit of a node is recorded.
import assert from "node:assert/strict";
import { CLUSTER_ENABLED, describeCluster } from "../cluster/helpers.js";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.js";
import { nginxBinary, startNginx, type Nginx } from "../helpers/nginx.js";
import { REDIS_URL, freePort, freshStore, startProcess, type Store } from "../helpers/server.js";

/** describeCluster, and nginx too: without it the suite is skipped with the reason, except
 *  where it is required (CI=true or HOLDFAST_TEST_NGINX=1): there it fails. */
export function describeChaos(title: string, fn: (this: Mocha.Suite) => void) {
  if (!CLUSTER_ENABLED || nginxBinary()) return describeCluster(title, fn);
  if (process.env.CI === "true" || process.env.HOLDFAST_TEST_NGINX === "1") {
    return describe(title, () => it("has nginx", () => assert.fail("nginx is required here (CI=true or HOLDFAST_TEST_NGINX=1) but not installed: apt-get install nginx")));
  }
  return describe.skip(`${title} [skipped: needs nginx (apt-get install nginx), or set HOLDFAST_TEST_NGINX=1 to make that an error]`, fn);
}

export const NODE_NAMES = ["node1", "node2", "node3"] as const;
export type NodeName = (typeof NODE_NAMES)[number];

export interface ReadySample {
  at: number;
  node: NodeName;
  /** 0: the node did not answer at all. */
  status: number;
}

export interface ChaosNode {
  name: NodeName;
  url: string;
  proc: Awaited<ReturnType<typeof startProcess>> | null;
  /** Exits of this node's processes: [when, code or signal]. */
  exits: { at: number; how: string }[];
}

export interface ChaosCluster {
  store: Store;
  pg: FaultProxy;
  redis: FaultProxy;
  nginx: Nginx;
  nodes: ChaosNode[];
  node(name: NodeName): ChaosNode;
  samples: ReadySample[];
  kill(name: NodeName): Promise<void>;
  restart(name: NodeName): Promise<void>;
  stop(): Promise<void>;
}

export async function startChaosCluster(env: Record<string, string>): Promise<ChaosCluster> {
  const store = await freshStore("postgres");
  const dbUrl = new URL(store.env.DATABASE_URL);
  const pg = await startFaultProxy({ port: Number(dbUrl.port) });
  dbUrl.port = String(pg.port);
  const redis = await startFaultProxy({ port: Number(new URL(REDIS_URL).port || 6379) });
  const nodeStore: Store = { ...store, env: { ...store.env, DATABASE_URL: dbUrl.toString() } };
  const ports = await Promise.all(NODE_NAMES.map(() => freePort()));
  const nodes: ChaosNode[] = NODE_NAMES.map((name, i) => ({ name, url: `http://127.0.0.1:${ports[i]}`, proc: null, exits: [] }));

  async function launch(n: ChaosNode, i: number) {
    n.proc = await startProcess(nodeStore, {
      ...env, PORT: String(ports[i]), NODE_NAME: n.name, TRUST_PROXY: "1", REDIS_URL: `redis://127.0.0.1:${redis.port}`,
    });
    const child = n.proc.child;
    child.once("exit", (code, signal) => n.exits.push({ at: Date.now(), how: String(signal ?? code) }));
  }
  await Promise.all(nodes.map(launch));
  const nginx = await startNginx(ports.map((p) => `127.0.0.1:${p}`));

  const samples: ReadySample[] = [];
  let sampling = true;
  const sampler = Promise.all(nodes.map(async (n) => {
    while (sampling) {
      const status = await fetch(`${n.url}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0);
      samples.push({ at: Date.now(), node: n.name, status });
      await new Promise((r) => setTimeout(r, 250));
    }
  }));

  const node = (name: NodeName) => nodes.find((n) => n.name === name)!;
  return {
    store, pg, redis, nginx, nodes, node, samples,
    async kill(name) {
      const child = node(name).proc!.child;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    },
    async restart(name) {
      await launch(node(name), NODE_NAMES.indexOf(name));
    },
    async stop() {
      sampling = false;
      await sampler;
      await nginx.stop();
      await Promise.all(nodes.map(async (n) => {
        const child = n.proc?.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }));
      await pg.close();
      await redis.close();
      await store.drop();
    },
  };
}
