// A real nginx in front of test nodes, running the README's recipe: deploy/nginx.conf.template
// with its placeholders filled in, included from a minimal main config. nginx is a child of
// the test process with its own prefix directory (config, pid, logs, temp files), in the
// foreground, on a free loopback port, and is stopped by the test.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { until } from "./clients.js";
import { freePort } from "./server.js";

const NGINX_TEMPLATE = path.resolve(import.meta.dirname, "../../deploy/nginx.conf.template");

/** The nginx binary on PATH (or Debian's /usr/sbin), or null when none is installed. */
export function nginxBinary(): string | null {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin"];
  for (const dir of dirs) {
    const bin = path.join(dir, "nginx");
    if (dir && existsSync(bin)) return bin;
  }
  return null;
}

/** The template with every `${NAME}` of `vars` replaced; a placeholder left over is an error. */
function renderTemplate(file: string, vars: Record<string, string>): string {
  const text = readFileSync(file, "utf8").replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
  const left = /\$\{HOLDFAST_[A-Z0-9_]+\}/.exec(text);
  if (left) throw new Error(`${file}: no value for ${left[0]}`);
  return text;
}

export interface Nginx {
  url: string;
  port: number;
  /** nginx's error log so far (for a failing test's message). */
  errors(): string;
  stop(): Promise<void>;
}

/** Starts nginx with the recipe in front of `nodes` (host:port, in NODE_NAME order). */
export async function startNginx(nodes: string[]): Promise<Nginx> {
  const bin = nginxBinary();
  if (!bin) throw new Error("nginx is not installed");
  const dir = mkdtempSync(path.join(os.tmpdir(), "holdfast-nginx-"));
  const port = await freePort();
  const vars = Object.fromEntries(nodes.map((n, i) => [`HOLDFAST_NODE${i + 1}`, n]));
  writeFileSync(path.join(dir, "holdfast.conf"), renderTemplate(NGINX_TEMPLATE, { ...vars, HOLDFAST_LISTEN: `127.0.0.1:${port}` }));
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/${t};`).join("\n");
  writeFileSync(path.join(dir, "nginx.conf"), `
${process.getuid?.() === 0 ? "user root; # the workers must reach this private directory" : ""}
worker_processes 1;
worker_rlimit_nofile 8192;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
${temp}
  include ${dir}/holdfast.conf;
}
`);
  const errorLog = path.join(dir, "error.log");
  const args = ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", errorLog];
  const check = spawnSync(bin, [...args, "-t", "-q"], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx -t: ${check.stderr}`);
  const child = spawn(bin, [...args, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (b) => (stderr += b));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const killOnExit = () => child.kill("SIGKILL"); // a test run that dies must not leave nginx behind
  process.once("exit", killOnExit);
  const accepts = () => new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
    s.on("error", () => resolve(false));
  });
  await until(async () => child.exitCode === null && (await accepts()), 10_000, "nginx listening").catch((err: Error) => {
    child.kill("SIGKILL");
    throw new Error(`${err.message}: ${stderr}`);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    errors: () => (existsSync(errorLog) ? readFileSync(errorLog, "utf8") : ""),
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode === null) {
        child.kill("SIGTERM"); // fast shutdown: master and worker exit at once
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
