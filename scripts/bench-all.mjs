// `npm run bench:all`: every benchmark of package.json (`bench` and each `bench:*`), one
// after the other on an otherwise idle machine, each writing its own section of
// BENCHMARKS.md. Runs them one at a time because they measure CPU and latency on the same
// cores: two at once would each measure the other. Goes on past a failing one and ends
// with the list of what failed (exit code 1 if any).
//   npm run bench:all [-- --skip bench:reports,bench:cluster]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const argv = process.argv.slice(2);
const skip = new Set(argv[0] === "--skip" ? (argv[1] ?? "").split(",") : []);
if (argv.length && argv[0] !== "--skip") throw new Error("usage: bench-all.mjs [--skip name,name]");
const scripts = Object.keys(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts)
  .filter((s) => (s === "bench" || s.startsWith("bench:")) && s !== "bench:all" && !skip.has(s));

const failed = [];
for (const name of scripts) {
  const t0 = Date.now();
  console.log(`\n== ${name} (load average ${os.loadavg().map((l) => l.toFixed(2)).join(", ")})`);
  const r = spawnSync("npm", ["run", "--silent", name], { cwd: root, stdio: "inherit" });
  const s = ((Date.now() - t0) / 1000).toFixed(0);
  if (r.status !== 0) failed.push(name);
  console.log(`== ${name}: ${r.status === 0 ? "done" : `FAILED (${r.status ?? r.signal})`} in ${s} s`);
}
console.log(failed.length ? `\nbench:all: failed: ${failed.join(", ")}` : "\nbench:all: every benchmark wrote its section of BENCHMARKS.md");
process.exit(failed.length ? 1 : 0);
