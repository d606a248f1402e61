// BENCHMARKS.md is shared by several bench scripts: each owns one section between
// markers and replaces only that, so running one bench never erases another's figures.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
const file = path.join(root, "BENCHMARKS.md");

const HEADER = `# Benchmarks

Figures measured by the scripts in \`bench/\`; each section says the machine, the date
and the exact command of its latest run. Load generator and server share one machine
and other processes (editors, test suites) may have been running at the same time, so
absolute numbers are noisy: the comparison inside a section, measured in the same run,
is what counts.
`;

/** The machine a run happened on, from /proc/cpuinfo, nproc and the Node binary. */
export function machine() {
  let model = os.cpus()[0]?.model ?? "?";
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {}
  let nproc = os.availableParallelism?.() ?? os.cpus().length;
  try {
    nproc = Number(execFileSync("nproc", { encoding: "utf8" }).trim()) || nproc;
  } catch {}
  const load = os.loadavg().map((x) => x.toFixed(2)).join(", ");
  return `${nproc} CPUs (nproc), ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}; load average before the run: ${load}`;
}

/** Replaces (or appends) the section `id` of BENCHMARKS.md with `body`. */
export function writeSection(id, body) {
  const begin = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const block = `${begin}\n${body.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, "utf8") : HEADER;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
  return file;
}

export const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "-");
