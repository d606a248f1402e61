// Where the embedded database's own entry points (its thread, the first start's initdb
// process) are, from the built output or from the sources under tsx (tests, dev). Node
// does not apply the loader hooks of `--import tsx` to a thread's entry nor pass them to a
// child process it forks with its own arguments, so from the sources both are given tsx
// explicitly.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const fromSource = import.meta.url.endsWith(".ts");

/** The URL of a sibling module (`name` without extension), .ts or .js as this one is. */
export function sibling(name: string): URL {
  return new URL(`./${name}${fromSource ? ".ts" : ".js"}`, import.meta.url);
}

/** The file URL of one of tsx's modules (`dist/...`), for registering it by hand. */
export function tsxModule(file: string): string {
  const tsx = path.dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  return pathToFileURL(path.join(tsx, file)).href;
}
