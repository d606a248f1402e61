// What an uploaded file's bytes are (uploads.rules.ts decides what to make of it): a
// binary format by its signature (file-type, which also looks inside ZIPs for the
// office formats), else UTF-8 text if every byte of it is (no NULs, no invalid
// sequences; read as a stream, so a large file is never held whole).
import { createReadStream } from "node:fs";
import { fileTypeFromFile } from "file-type";
import type { Sniffed } from "./uploads.rules.js";

async function isUtf8Text(file: string): Promise<boolean> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      if (chunk.includes(0)) return false;
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode(); // a sequence cut off at the end
    return true;
  } catch {
    return false;
  }
}

export async function sniff(file: string): Promise<Sniffed> {
  const type = await fileTypeFromFile(file);
  if (type) return { kind: "binary", mime: type.mime };
  return (await isUtf8Text(file)) ? { kind: "text" } : { kind: "unknown" };
}
