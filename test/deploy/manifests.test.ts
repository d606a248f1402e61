// The platform manifests (app.json, render.yaml, fly.toml) against the two files that
// define how Holdfast runs: the Dockerfile (start command, port, data directory, health
// check) and the Procfile (web and release). Expected values are read from those files,
// never written here, so changing one of them without the manifests fails this suite.
// Every variable a manifest sets must be documented (README's Configuration table or
// PROTOCOL.md section 1) and read by src/config.ts, and the resulting environment must
// pass the server's own configuration check.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../src/config.js";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const oneLine = (cmd: string) => cmd.trim().replace(/\s+/g, " ");

// ---- the sources of truth -------------------------------------------------------------

interface DockerImage {
  env: Record<string, string>;
  cmd: string;
  expose: number[];
  healthcheck: string;
}

/** The final stage of a Dockerfile: what actually runs. */
function parseDockerfile(text: string): DockerImage {
  const lines = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  let from = -1;
  lines.forEach((l, i) => /^FROM\s/i.test(l) && (from = i));
  const image: DockerImage = { env: {}, cmd: "", expose: [], healthcheck: "" };
  for (const line of lines.slice(from + 1)) {
    const [, instr, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    switch (instr?.toUpperCase()) {
      case "ENV":
        if (/^[A-Za-z_]\w*=/.test(rest)) {
          for (const m of rest.matchAll(/([A-Za-z_]\w*)=("([^"]*)"|\S*)/g)) image.env[m[1]] = m[3] ?? m[2];
        } else {
          const [key, ...value] = rest.split(/\s+/);
          image.env[key] = value.join(" ");
        }
        break;
      case "CMD":
        image.cmd = rest.startsWith("[") ? (JSON.parse(rest) as string[]).join(" ") : rest;
        break;
      case "EXPOSE":
        image.expose.push(...rest.split(/\s+/).map((p) => Number.parseInt(p, 10)));
        break;
      case "HEALTHCHECK":
        image.healthcheck = rest.replace(/^(--\S+\s+)*CMD\s+/, "");
        break;
    }
  }
  return image;
}

function parseProcfile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+):\s*(.+)$/gm)) out[m[1]] = m[2].trim();
  return out;
}

/** Variable names in the first column of the table in a markdown section. */
function tableVariables(markdown: string, heading: RegExp): string[] {
  const start = markdown.search(heading);
  assert.ok(start >= 0, `no section ${heading}`);
  const rest = markdown.slice(start);
  const end = rest.slice(1).search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end + 1);
  const names: string[] = [];
  for (const row of section.split("\n").filter((l) => l.startsWith("|"))) {
    const first = row.split("|")[1] ?? "";
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.push(m[1]);
  }
  return names;
}

/** The keys of the environment schema in src/config.ts (the only reader of process.env). */
function configReads(source: string): string[] {
  const block = /const EnvSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source)?.[1] ?? "";
  return [...block.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
}

const docker = parseDockerfile(read("Dockerfile"));
const procfile = parseProcfile(read("Procfile"));
/** Read by glibc's malloc when the process starts, not by the server: the image sets them
 *  as ENV, and a start command that is not the image's (the Procfile, `npm start`) sets
 *  them in front of `node` (README, "Memory"). */
const LAUNCH_VARIABLES = ["MALLOC_MMAP_THRESHOLD_"];
const dockerLaunch = oneLine(`${LAUNCH_VARIABLES.map((v) => `${v}=${docker.env[v]}`).join(" ")} ${docker.cmd}`);
const npmStart = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.start;
const healthPath = /['"`](\/[\w\-./]*)['"`]/.exec(docker.healthcheck)?.[1];

const documented = new Set(tableVariables(read("README.md"), /^## Configuration/m));
const protocolFile = path.resolve(root, "../shared/PROTOCOL.md"); // README links it there
if (existsSync(protocolFile)) {
  for (const v of tableVariables(readFileSync(protocolFile, "utf8"), /^## 1\. Configuration/m)) documented.add(v);
}
const serverReads = new Set(configReads(read("src/config.ts")));
/** Not the server's own settings but read by a library it uses, on purpose. */
const DRIVER_VARIABLES: Record<string, string> = {
  PGSSLMODE: "node-postgres (src/lib/db.ts) takes its TLS mode from it when DATABASE_URL has no sslmode",
};

// Stand-ins for what a platform provides at run time (add-ons, generated secrets).
const PROVIDED = {
  secret: "generated-0123456789abcdef0123456789abcdef",
  postgres: "postgres://user:pass@db.internal:5432/holdfast",
  redis: "redis://kv.internal:6379",
};

/** Each manifest variable is one the server knows; the whole environment passes loadConfig. */
function assertEnvironment(where: string, names: string[], env: Record<string, string>) {
  for (const name of names) {
    if (DRIVER_VARIABLES[name]) continue;
    assert.ok(documented.has(name), `${where} sets ${name}, which the README / PROTOCOL configuration tables do not list`);
    assert.ok(serverReads.has(name), `${where} sets ${name}, which src/config.ts does not read`);
  }
  const config = loadConfig(env); // throws "invalid configuration" on a bad value
  assert.equal(config.production, true, `${where}: NODE_ENV is not production`);
  assert.equal(typeof config.trustProxy, "number", `${where}: TRUST_PROXY must be a hop count (the platform's proxies)`);
  assert.ok((config.trustProxy as number) >= 1, `${where}: TRUST_PROXY must count at least the platform's router`);
}

// ---- the suite ------------------------------------------------------------------------

describe("deploy manifests", () => {
  describe("Dockerfile and Procfile (the sources of truth)", () => {
    it("agree on the start command and define a release (migration) process", () => {
      assert.ok(docker.cmd, "Dockerfile has no CMD");
      assert.ok(procfile.web, "Procfile has no web process");
      for (const v of LAUNCH_VARIABLES) assert.ok(docker.env[v], `Dockerfile sets no ${v}`);
      assert.equal(oneLine(procfile.web), dockerLaunch, "Procfile web and Dockerfile ENV + CMD start different things");
      assert.equal(oneLine(npmStart), dockerLaunch, "npm start and Dockerfile ENV + CMD start different things");
      assert.ok(procfile.release, "Procfile has no release process");
    });

    it("listen on PORT, expose it, and health-check through it", () => {
      const port = Number(docker.env.PORT);
      assert.ok(Number.isInteger(port) && port > 0, "Dockerfile sets no PORT");
      assert.ok(docker.expose.includes(port), `Dockerfile exposes ${docker.expose} but sets PORT=${port}`);
      assert.ok(healthPath, `no path in the HEALTHCHECK: ${docker.healthcheck}`);
      assert.match(docker.healthcheck, /process\.env\.PORT/, "the HEALTHCHECK must follow PORT");
      assert.ok(docker.env.DATA_DIR, "Dockerfile sets no DATA_DIR");
      assert.doesNotMatch(procfile.web, /PORT=|--port|\b\d{4,5}\b/, "the web process must take the platform's PORT");
    });

    it("read the configuration tables (the checks below have something to check against)", () => {
      for (const v of ["PORT", "DATABASE_URL", "REDIS_URL", "TRUST_PROXY", "NODE_ENV", "SESSION_SECRET"]) {
        assert.ok(documented.has(v), `${v} not found in the configuration tables`);
        assert.ok(serverReads.has(v), `${v} not found in src/config.ts's EnvSchema`);
      }
    });
  });

  describe("app.json (Heroku button)", () => {
    interface AppJsonEnv { value?: string; generator?: string; required?: boolean; description?: string }
    interface AppJson {
      stack?: string;
      buildpacks?: { url: string }[];
      formation?: Record<string, { quantity?: number; size?: string; command?: string }>;
      addons?: (string | { plan: string; as?: string })[];
      env?: Record<string, string | AppJsonEnv>;
      scripts?: Record<string, string>;
    }
    const app = JSON.parse(read("app.json")) as AppJson;
    const envEntries = Object.entries(app.env ?? {}).map(([k, v]) => [k, typeof v === "string" ? { value: v } : v] as const);
    /** Add-on (service part of the plan) -> the variable it sets, default attachment name. */
    const ADDON_VARIABLE: Record<string, string> = { "heroku-postgresql": "DATABASE", "heroku-redis": "REDIS" };
    const addons = (app.addons ?? []).map((a) => (typeof a === "string" ? { plan: a } : a));
    const addonVariable = (a: { plan: string; as?: string }) => {
      const service = a.plan.split(":")[0];
      assert.ok(ADDON_VARIABLE[service], `add-on ${service}: which variable does it set?`);
      return `${a.as ?? ADDON_VARIABLE[service]}_URL`;
    };

    it("builds with the Node.js buildpack, so Heroku runs the Procfile's web and release", () => {
      assert.notEqual(app.stack, "container", "stack: container would ignore the Procfile (heroku.yml)");
      assert.ok(app.buildpacks?.some((b) => /^heroku\/nodejs$|heroku-buildpack-nodejs/.test(b.url)), "no Node.js buildpack");
      for (const [type, f] of Object.entries(app.formation ?? {})) {
        assert.ok(procfile[type], `formation ${type} is not a Procfile process`);
        assert.equal(f.command, undefined, `formation ${type} overrides the Procfile's command`);
      }
      // Migrations are the Procfile's release phase; a postdeploy script would run once only.
      const postdeploy = app.scripts?.postdeploy;
      assert.ok(postdeploy === undefined || oneLine(postdeploy) === oneLine(procfile.release));
    });

    it("adds PostgreSQL (a dyno's disk does not survive a restart)", () => {
      assert.ok(addons.some((a) => a.plan.startsWith("heroku-postgresql")), "no heroku-postgresql add-on");
      assert.ok(addons.map(addonVariable).includes("DATABASE_URL"));
    });

    it("sets only variables the server knows, leaves PORT to Heroku, and passes loadConfig", () => {
      const names = [...envEntries.map(([k]) => k), ...addons.map(addonVariable)];
      assert.ok(!names.includes("PORT"), "Heroku assigns PORT to each dyno; app.json must not set it");
      const byName = Object.fromEntries(envEntries);
      assert.equal(byName.SESSION_SECRET?.generator, "secret", "SESSION_SECRET should be generated");
      assert.equal(byName.NODE_ENV?.value, "production");
      const env: Record<string, string> = { PORT: "41234" }; // Heroku's, per dyno
      for (const [k, v] of envEntries) {
        if (v.value !== undefined) env[k] = v.value;
        else if (v.generator === "secret") env[k] = PROVIDED.secret;
      }
      for (const a of addons) env[addonVariable(a)] = a.plan.startsWith("heroku-redis") ? PROVIDED.redis : PROVIDED.postgres;
      assertEnvironment("app.json", names, env);
    });
  });

  describe("render.yaml (Render Blueprint)", () => {
    interface RenderEnvVar {
      key?: string;
      value?: string | number;
      generateValue?: boolean;
      sync?: boolean;
      fromDatabase?: { name: string; property: string };
      fromService?: { type: string; name: string; property?: string; envVarKey?: string };
      fromGroup?: string;
    }
    interface RenderService {
      type: string;
      name: string;
      runtime?: string;
      dockerfilePath?: string;
      dockerCommand?: string;
      startCommand?: string;
      preDeployCommand?: string;
      healthCheckPath?: string;
      disk?: { mountPath: string };
      envVars?: RenderEnvVar[];
    }
    const blueprint = parseYaml(read("render.yaml")) as { services?: RenderService[]; databases?: { name: string }[] };
    const webs = (blueprint.services ?? []).filter((s) => s.type === "web");
    const web = webs[0];
    const vars = web?.envVars ?? [];
    const byKey = new Map(vars.filter((v) => v.key).map((v) => [v.key!, v]));

    it("has one web service built from the Dockerfile, started with its CMD", () => {
      assert.equal(webs.length, 1, "expected one web service");
      assert.equal(web.runtime, "docker", "the web service must run the Dockerfile's image");
      assert.ok(web.dockerfilePath === undefined || path.normalize(web.dockerfilePath) === "Dockerfile");
      assert.ok(web.dockerCommand === undefined || oneLine(web.dockerCommand) === oneLine(docker.cmd),
        `dockerCommand "${web.dockerCommand}" is not the Dockerfile's CMD "${docker.cmd}"`);
      assert.equal(web.startCommand, undefined, "startCommand is for native runtimes");
    });

    it("migrates before deploy as the Procfile's release does", () => {
      assert.equal(oneLine(web.preDeployCommand ?? ""), oneLine(procfile.release));
    });

    it("health-checks the Dockerfile's path and listens on the Dockerfile's PORT", () => {
      assert.equal(web.healthCheckPath, healthPath);
      // Render injects PORT=10000 unless the service sets it.
      assert.equal(String(byKey.get("PORT")?.value), docker.env.PORT, "PORT must be the Dockerfile's");
    });

    it("mounts its disk at the image's DATA_DIR", () => {
      assert.ok(web.disk, "no disk: uploads in DATA_DIR/uploads would be lost on every deploy");
      assert.equal(path.normalize(web.disk.mountPath), path.normalize(docker.env.DATA_DIR));
    });

    it("wires DATABASE_URL to its Postgres and REDIS_URL to its Key Value instance", () => {
      const db = byKey.get("DATABASE_URL")?.fromDatabase;
      assert.ok(db && db.property === "connectionString", "DATABASE_URL: fromDatabase connectionString");
      assert.ok(blueprint.databases?.some((d) => d.name === db.name), `no database ${db.name}`);
      const kv = byKey.get("REDIS_URL")?.fromService;
      assert.ok(kv && kv.type === "keyvalue" && kv.property === "connectionString", "REDIS_URL: fromService keyvalue connectionString");
      assert.ok(blueprint.services?.some((s) => s.type === "keyvalue" && s.name === kv.name), `no keyvalue service ${kv.name}`);
      assert.equal(byKey.get("SESSION_SECRET")?.generateValue, true, "SESSION_SECRET should be generated");
    });

    it("sets only variables the server knows and passes loadConfig", () => {
      assert.ok(!vars.some((v) => v.fromGroup), "env groups: check their variables here too");
      const env: Record<string, string> = { ...docker.env };
      for (const v of vars) {
        if (v.value !== undefined) env[v.key!] = String(v.value);
        else if (v.generateValue) env[v.key!] = PROVIDED.secret;
        else if (v.fromDatabase) env[v.key!] = PROVIDED.postgres;
        else if (v.fromService?.type === "keyvalue") env[v.key!] = PROVIDED.redis;
      }
      assertEnvironment("render.yaml", [...byKey.keys()], env);
    });
  });

  describe("fly.toml (Fly.io)", () => {
    interface FlyCheck { path?: string; type?: string }
    interface FlyToml {
      build?: { dockerfile?: string; image?: string; builder?: string };
      deploy?: { release_command?: string };
      env?: Record<string, string>;
      processes?: Record<string, string>;
      experimental?: { cmd?: string[]; entrypoint?: string[] };
      http_service?: { internal_port?: number; checks?: FlyCheck[] };
      checks?: Record<string, FlyCheck>;
      mounts?: { destination: string } | { destination: string }[];
    }
    const fly = parseToml(read("fly.toml")) as unknown as FlyToml;

    it("builds the Dockerfile and starts its CMD", () => {
      assert.ok(fly.build?.dockerfile === undefined || path.normalize(fly.build.dockerfile) === "Dockerfile");
      assert.equal(fly.build?.image, undefined, "a prebuilt image is not this Dockerfile");
      assert.equal(fly.build?.builder, undefined, "a buildpack builder ignores the Dockerfile");
      assert.equal(fly.experimental?.cmd, undefined, "experimental.cmd overrides the CMD");
      assert.equal(fly.experimental?.entrypoint, undefined, "experimental.entrypoint wraps the CMD");
      for (const [name, cmd] of Object.entries(fly.processes ?? {})) {
        assert.equal(oneLine(cmd), oneLine(docker.cmd), `process ${name} is not the Dockerfile's CMD`);
      }
    });

    it("runs the Procfile's release command before each deploy", () => {
      assert.equal(oneLine(fly.deploy?.release_command ?? ""), oneLine(procfile.release));
    });

    it("routes to the Dockerfile's PORT and health-checks its path", () => {
      const port = Number(docker.env.PORT);
      assert.equal(fly.http_service?.internal_port, port, "internal_port must be the Dockerfile's PORT");
      if (fly.env?.PORT !== undefined) assert.equal(Number(fly.env.PORT), port);
      const checks = [...(fly.http_service?.checks ?? []), ...Object.values(fly.checks ?? {}).filter((c) => c.type === "http")];
      assert.ok(checks.length > 0, "no HTTP health check");
      for (const c of checks) assert.equal(c.path, healthPath);
    });

    it("mounts its volume at the image's DATA_DIR", () => {
      const mounts = [fly.mounts ?? []].flat();
      assert.equal(mounts.length, 1, "expected one [mounts] (the embedded database and uploads)");
      const dataDir = fly.env?.DATA_DIR ?? docker.env.DATA_DIR;
      assert.equal(path.normalize(mounts[0].destination), path.normalize(dataDir));
    });

    it("sets only variables the server knows and passes loadConfig", () => {
      const names = Object.keys(fly.env ?? {});
      assertEnvironment("fly.toml", names, { ...docker.env, ...fly.env });
    });
  });
});
