// Which uploads are accepted, under which type and name, and how each is served. The
// type is the one the bytes show (uploads.sniff.ts); what the browser declared only
// tells apart what the bytes cannot (.doc from .xls, text from CSV), and a declaration
// the bytes contradict is refused rather than relabelled. SVG, HTML and everything
// executable are refused. A name keeps only an extension of its type, and a risky
// extension inside it ("invoice.exe.zip") loses its dot, so no OS or browser takes the
// file for a program or a page.

const DOC = "application/msword";
const XLS = "application/vnd.ms-excel";
const ZIP = "application/zip";
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** .doc and .xls: one container format (OLE compound file), told apart by the declaration. */
const COMPOUND = "application/x-cfb";

/** Allowed types and the extensions their names may end in (the first is added if none fits). */
const EXTENSIONS: Record<string, string[]> = {
  "image/png": ["png"], "image/jpeg": ["jpg", "jpeg"], "image/gif": ["gif"], "image/webp": ["webp"],
  "application/pdf": ["pdf"], "text/plain": ["txt", "log", "md"], "text/csv": ["csv"],
  [ZIP]: ["zip"], [DOC]: ["doc"], [DOCX]: ["docx"], [XLS]: ["xls"], [XLSX]: ["xlsx"],
};
/** A declaration that says nothing: the bytes decide alone. */
const UNDECLARED = new Set(["", "application/octet-stream"]);
const ZIPPED = new Set([ZIP, DOCX, XLSX]);
const RISKY = /^(html?|xht(ml)?|shtml|mht(ml)?|svgz?|xml|xsl|js|mjs|jse|vbs|vbe|wsf|wsh|hta|exe|com|bat|cmd|msi|msp|scr|pif|cpl|dll|jar|ps1|psm1|sh|app|dmg|pkg|apk|lnk|url|reg|php\d?|phtml|aspx?|jsp|cgi)$/i;

/** What the bytes are: a known binary format, UTF-8 text without NULs, or neither. */
export type Sniffed = { kind: "binary"; mime: string } | { kind: "text" } | { kind: "unknown" };

export const extensionOf = (name: string) => /\.([^.]+)$/.exec(name)?.[1].toLowerCase() ?? "";

/** The type an upload is stored and announced under, or null: 415. */
export function decideType(sniffed: Sniffed, declared: string, name: string): string | null {
  const ext = extensionOf(name);
  if (sniffed.kind === "text") {
    const csv = declared === "text/csv" || ext === "csv";
    // Windows declares a .csv as the Excel type wherever Excel is installed.
    const plausible = UNDECLARED.has(declared) || declared.startsWith("text/") || (csv && declared === XLS);
    return plausible ? (csv ? "text/csv" : "text/plain") : null;
  }
  if (sniffed.kind === "unknown") return null;
  let mime: string | null = sniffed.mime in EXTENSIONS ? sniffed.mime : null;
  if (sniffed.mime === COMPOUND) mime = declared === DOC || ext === "doc" ? DOC : declared === XLS || ext === "xls" ? XLS : null;
  if (!mime) return null;
  // A .docx or .xlsx is a ZIP too: declared as one, it is still what its entries show.
  const agrees = UNDECLARED.has(declared) || declared === mime || (declared === ZIP && ZIPPED.has(mime));
  return agrees ? mime : null;
}

/** A display and download name: no path, no control or reserved characters, an
 *  extension of `mime`, no risky extension anywhere in it. */
export function cleanName(raw: string, mime: string): string {
  const base = raw.replace(/[\u0000-\u001f\u007f]/g, "").split(/[\\/]/).pop() ?? "";
  const parts = base.replace(/[<>:"|?*]/g, "_").replace(/\s+/g, " ").replace(/^[.\s]+|[.\s]+$/g, "").split(".");
  const allowed = EXTENSIONS[mime] ?? ["bin"];
  let ext = parts.length > 1 ? parts.pop()! : "";
  if (!allowed.includes(ext.toLowerCase())) {
    if (ext) parts.push(ext);
    ext = allowed[0];
  }
  const stem = parts.filter(Boolean).reduce((acc, seg) => (acc ? `${acc}${RISKY.test(seg) ? "_" : "."}${seg}` : seg), "") || "file";
  return `${stem.slice(0, 190)}.${ext}`;
}

/** Images are shown inline as what they are; PDFs download as PDFs; anything else
 *  downloads as bytes, never rendered by the browser whatever it contains. */
export function servedAs(mime: string): { type: string; disposition: "inline" | "attachment" } {
  if (mime.startsWith("image/")) return { type: mime, disposition: "inline" };
  return { type: mime === "application/pdf" ? mime : "application/octet-stream", disposition: "attachment" };
}
