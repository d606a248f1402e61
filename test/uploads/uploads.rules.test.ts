// The upload rules on their own (uploads.rules.ts): which type the bytes make a file,
// which names survive cleaning, and how each type is served. The routes' suite
// (test/messaging/uploads.test.ts) runs them against real bytes on a real server.
import assert from "node:assert/strict";
import { cleanName, decideType, servedAs, type Sniffed } from "../../src/uploads/uploads.rules.js";

const bin = (mime: string): Sniffed => ({ kind: "binary", mime });
const text: Sniffed = { kind: "text" };
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLS = "application/vnd.ms-excel";

describe("upload rules", () => {
  it("takes the type the bytes show, with the declaration only telling apart what bytes cannot", () => {
    assert.equal(decideType(bin("image/png"), "image/png", "a.png"), "image/png");
    assert.equal(decideType(bin("image/png"), "application/octet-stream", "a"), "image/png", "undeclared: the bytes decide");
    assert.equal(decideType(bin(DOCX), "application/zip", "a.docx"), DOCX, "a .docx is a ZIP too");
    assert.equal(decideType(bin("application/x-cfb"), "application/msword", "a.doc"), "application/msword");
    assert.equal(decideType(bin("application/x-cfb"), "", "sheet.xls"), XLS, "the name tells .xls from .doc");
    assert.equal(decideType(bin("application/x-cfb"), "", "setup.msi"), null, "an installer is a compound file too");
    assert.equal(decideType(text, "text/plain", "a.txt"), "text/plain");
    assert.equal(decideType(text, "text/html", "a.html"), "text/plain", "text is text, served as bytes");
    assert.equal(decideType(text, "text/plain", "data.csv"), "text/csv");
    assert.equal(decideType(text, XLS, "export.csv"), "text/csv", "Windows declares a .csv as Excel");
  });

  it("refuses types not allowed and declarations the bytes contradict", () => {
    assert.equal(decideType(bin("image/svg+xml"), "image/svg+xml", "a.svg"), null);
    assert.equal(decideType(bin("application/x-msdownload"), "application/zip", "a.zip"), null);
    assert.equal(decideType(bin("application/pdf"), "image/png", "a.png"), null, "a PDF claiming to be a PNG");
    assert.equal(decideType(bin("application/zip"), DOCX, "a.docx"), null, "a ZIP without a document in it");
    assert.equal(decideType(text, "image/png", "a.png"), null);
    assert.equal(decideType(text, XLS, "a.xls"), null, "text claiming to be a spreadsheet");
    assert.equal(decideType({ kind: "unknown" }, "text/plain", "a.txt"), null);
  });

  it("cleans names: no path, no reserved characters, an extension of the type, no risky extension anywhere", () => {
    assert.equal(cleanName("report.pdf", "application/pdf"), "report.pdf");
    assert.equal(cleanName("my.report.v2.pdf", "application/pdf"), "my.report.v2.pdf", "harmless dots stay");
    assert.equal(cleanName("page.html", "text/plain"), "page_html.txt");
    assert.equal(cleanName("evil.exe.pdf", "application/pdf"), "evil_exe.pdf");
    assert.equal(cleanName("a.JS.zip", "application/zip"), "a_JS.zip");
    assert.equal(cleanName("C:\\Users\\me\\photo.jpeg", "image/jpeg"), "photo.jpeg");
    assert.equal(cleanName("../../etc/passwd", "text/plain"), "passwd.txt");
    assert.equal(cleanName("a\u0000b\u202e.png", "image/png"), "ab\u202e.png");
    assert.equal(cleanName('x<y>:"|?*.png', "image/png"), "x_y______.png");
    assert.equal(cleanName(".htaccess", "text/plain"), "htaccess.txt");
    assert.equal(cleanName("", "text/plain"), "file.txt");
    assert.equal(cleanName("...", "image/gif"), "file.gif");
    assert.ok(cleanName(`${"n".repeat(500)}.png`, "image/png").length <= 200);
  });

  it("serves images inline as themselves, PDFs as PDF downloads, anything else as bytes", () => {
    assert.deepEqual(servedAs("image/png"), { type: "image/png", disposition: "inline" });
    assert.deepEqual(servedAs("application/pdf"), { type: "application/pdf", disposition: "attachment" });
    for (const mime of ["text/plain", "text/csv", "application/zip", DOCX]) {
      assert.deepEqual(servedAs(mime), { type: "application/octet-stream", disposition: "attachment" }, mime);
    }
  });
});
