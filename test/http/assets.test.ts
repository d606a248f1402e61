// Page assets load fast across borders: the bundles and stylesheets the views reference
// carry their content hash, are served precompressed (brotli, gzip, or plain, by
// Accept-Encoding) with a year of immutable caching; widget.js keeps its stable URL with
// a short cache and an ETag; HTML goes out compressed; /socket.io is left to the engine.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { SKIP_RE } from "../../src/lib/compression.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { rawGet } from "../helpers/raw-get.js";
import { HASHED_RE, writeHashedAssets } from "../../scripts/assets.mjs";

const root = path.resolve(import.meta.dirname, "../..");

const get = rawGet;


describe("hashed assets: the build's manifest", () => {
  it("names each file by its content: a change gives a new name, the old copies go", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "hf-assets-"));
    mkdirSync(path.join(dir, "build"));
    writeFileSync(path.join(dir, "build/app.js"), "console.log(1)\n//# sourceMappingURL=app.js.map\n");
    const first = writeHashedAssets(dir, ["build/app.js"]) as Record<string, string>;
    assert.match(first["build/app.js"]!, /^build\/hashed\/app\.[0-9a-f]{12}\.js$/);
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, "build/manifest.json"), "utf8")), first);
    assert.deepEqual(writeHashedAssets(dir, ["build/app.js"]), first, "same content, same name");

    const hashed = readFileSync(path.join(dir, first["build/app.js"]!), "utf8");
    assert.match(hashed, /sourceMappingURL=\/build\/app\.js\.map/, "the map is found from the hashed directory");
    const file = path.join(dir, first["build/app.js"]!);
    assert.equal(brotliDecompressSync(readFileSync(`${file}.br`)).toString(), hashed);
    assert.equal(gunzipSync(readFileSync(`${file}.gz`)).toString(), hashed);

    writeFileSync(path.join(dir, "build/app.js"), "console.log(2)\n");
    const second = writeHashedAssets(dir, ["build/app.js"]) as Record<string, string>;
    assert.notEqual(second["build/app.js"], first["build/app.js"]);
    const left = readdirSync(path.join(dir, "build/hashed")).sort();
    assert.deepEqual(left, [path.basename(second["build/app.js"]!), ...["br", "gz"].map((e) => `${path.basename(second["build/app.js"]!)}.${e}`)].sort());
    assert.ok(left.every((f) => HASHED_RE.test(f)));
  });
});

describe("hashed assets: served by a real server", function () {
  this.timeout(60_000);
  let srv: TestServer;
  before(async () => {
    execFileSync(process.execPath, [path.join(root, "scripts/build-client.mjs"), "--no-check", "--quiet"], { stdio: "inherit" });
    srv = await startServer();
  });
  after(() => srv?.stop());

  const pageAsset = async (page: string, re: RegExp) => {
    const html = (await get(`${srv.url}${page}`)).body.toString();
    const m = re.exec(html);
    assert.ok(m, `${page} references ${re}: ${html.slice(0, 600)}`);
    return m[1]!;
  };

  it("the visitor page loads its bundle and stylesheet by hashed name, br/gzip/plain by Accept-Encoding, immutable", async () => {
    const manifest = JSON.parse(readFileSync(path.join(root, "public/build/manifest.json"), "utf8")) as Record<string, string>;
    const js = await pageAsset("/", /<script src="(\/build\/hashed\/visitor\.[0-9a-f]{12}\.js)"/);
    assert.equal(js, `/${manifest["build/visitor.js"]}`);
    const css = await pageAsset("/?embed=1", /href="(\/build\/hashed\/visitor\.[0-9a-f]{12}\.css)"/);
    const plain = readFileSync(path.join(root, "public", js));

    const br = await get(`${srv.url}${js}`, { "accept-encoding": "gzip, deflate, br" });
    assert.equal(br.status, 200);
    assert.equal(br.headers["content-encoding"], "br");
    assert.equal(br.headers["content-type"], "application/javascript; charset=utf-8");
    assert.equal(br.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.match(String(br.headers.vary), /Accept-Encoding/i);
    assert.ok(br.body.length < plain.length / 2, `brotli ${br.body.length} B of ${plain.length} B`);
    assert.deepEqual(brotliDecompressSync(br.body), plain);

    const gz = await get(`${srv.url}${js}`, { "accept-encoding": "gzip" });
    assert.equal(gz.headers["content-encoding"], "gzip");
    assert.deepEqual(gunzipSync(gz.body), plain);

    const none = await get(`${srv.url}${js}`, { "accept-encoding": "identity" });
    assert.equal(none.headers["content-encoding"], undefined);
    assert.match(String(none.headers.vary), /Accept-Encoding/i);
    assert.deepEqual(none.body, plain);

    const style = await get(`${srv.url}${css}`, { "accept-encoding": "br" });
    assert.equal(style.headers["content-type"], "text/css; charset=utf-8");
    assert.equal(style.headers["content-encoding"], "br");
    assert.equal(style.headers["cache-control"], "public, max-age=31536000, immutable");
  });

  it("the console and admin pages use the manifest too; an unknown hash is a 404", async () => {
    const login = (await get(`${srv.url}/login`)).body.toString();
    assert.match(login, /href="\/build\/hashed\/app\.[0-9a-f]{12}\.css"/);
    const missing = await get(`${srv.url}/build/hashed/visitor.000000000000.js`, { "accept-encoding": "br" });
    assert.equal(missing.status, 404);
  });

  it("widget.js keeps its stable URL: short cache, ETag, 304 on revalidation", async () => {
    const first = await get(`${srv.url}/widget.js`);
    assert.equal(first.status, 200);
    assert.match(String(first.headers["cache-control"]), /max-age=300\b/);
    assert.ok(first.headers.etag, "an ETag");
    const again = await get(`${srv.url}/widget.js`, { "if-none-match": String(first.headers.etag) });
    assert.equal(again.status, 304);
  });

  it("HTML goes out compressed when the client accepts it", async function () {
    const page = await get(`${srv.url}/`, { "accept-encoding": "gzip" });
    assert.equal(page.headers["content-encoding"], "gzip");
    assert.match(gunzipSync(page.body).toString(), /<div id="hf-app"/);
    const brPage = await get(`${srv.url}/login`, { "accept-encoding": "br" });
    assert.equal(brPage.headers["content-encoding"], "br");
    assert.match(brotliDecompressSync(brPage.body).toString(), /<form/);
  });

  it("/socket.io is the engine's: the middleware leaves it alone (one encoding at most)", async () => {
    assert.ok(SKIP_RE.test("/socket.io/"), "the filter skips the engine's path");
    assert.ok(SKIP_RE.test("/build/hashed/visitor.0123456789ab.js"), "and the precompressed assets");
    assert.ok(!SKIP_RE.test("/api/widget/settings"));
    const res = await get(`${srv.url}/socket.io/?EIO=4&transport=polling`, { "accept-encoding": "gzip, br" });
    assert.equal(res.status, 200);
    // A handshake is below the engine's own 1 KB threshold: sent as it is, readable.
    assert.equal(res.headers["content-encoding"], undefined);
    assert.match(res.body.toString(), /^0\{"sid":/);
  });
});
