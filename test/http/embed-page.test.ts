// The widget's iframe page, cacheable across visits: widget.js names its version, the
// page at that version has no per-request data, inlines its stylesheet and bundle under
// CSP hashes, goes out precompressed and is kept 10 minutes when an allowed site frames
// it; a refusal is never kept; a settings or origins change gives a new version.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { until } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { rawGet } from "../helpers/raw-get.js";

const root = path.resolve(import.meta.dirname, "../..");
const SHOP = "http://shop.test:8080";

const get = rawGet;

const sha = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("the cacheable embed page", function () {
  this.timeout(60_000);
  let srv: TestServer;
  before(async () => {
    execFileSync(process.execPath, [path.join(root, "scripts/build-client.mjs"), "--no-check", "--quiet"], { stdio: "inherit" });
    srv = await startServer({ env: { ALLOWED_ORIGINS: SHOP } });
  });
  after(() => srv?.stop());

  /** The version the loader frames now. */
  const version = async () => {
    const js = (await get(`${srv.url}/widget.js`)).body.toString();
    assert.ok(!js.includes("__HOLDFAST_EMBED_VERSION__"), "the server wrote the version in");
    const found = [...new Set([...js.matchAll(/"([0-9a-f]{12})"/g)].map((m) => m[1]!))];
    assert.equal(found.length, 1, `one version in widget.js: ${found.join(", ")}`);
    return found[0]!;
  };
  const embed = (v: string, headers: Record<string, string> = {}) => get(`${srv.url}/?embed=1&v=${v}&title=Acme`, headers);

  it("framed by an allowed site: brotli, kept 10 minutes with an ETag, CSP by hash of its two inline blocks, no availability in it", async () => {
    const v = await version();
    // A quick brotli at once, the best one from when it is made (~0.3 s, off the event loop).
    const quick = await embed(v, { "accept-encoding": "gzip, br" });
    assert.equal(quick.headers["content-encoding"], "br");
    await until(async () => (await embed(v, { "accept-encoding": "br" })).body.length < quick.body.length || quick.body.length < 32_000, 10_000, "best brotli");
    const res = await embed(v, { referer: `${SHOP}/`, "accept-encoding": "gzip, br" });
    assert.equal(res.status, 200);
    assert.equal(res.headers["cache-control"], "public, max-age=600, stale-while-revalidate=86400");
    assert.equal(res.headers.etag, `"${v}"`);
    assert.equal(res.headers["x-frame-options"], undefined);
    const html = brotliDecompressSync(res.body).toString();
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    assert.ok(script && style, "stylesheet and bundle inline");
    assert.doesNotMatch(html, /<script src=|<link rel="stylesheet"/, "nothing else to fetch");
    const csp = String(res.headers["content-security-policy"]);
    assert.ok(csp.includes(`script-src 'self' ${sha(script)};`), csp);
    assert.ok(csp.includes(`style-src 'self' ${sha(style)};`), csp);
    assert.match(csp, new RegExp(`frame-ancestors 'self' ${SHOP}$`));
    const settings = JSON.parse((/data-settings="([^"]*)"/.exec(html)?.[1] ?? "{}").replaceAll("&#34;", '"')) as Record<string, unknown>;
    assert.equal(typeof settings.title, "string", "the admin's settings are in it");
    assert.ok(!("available" in settings) && !("hours" in settings), `per-request data stays out: ${JSON.stringify(settings)}`);

    const again = await embed(v, { referer: `${SHOP}/`, "if-none-match": `"${v}"` });
    assert.equal(again.status, 304);
  });

  it("a refusal (foreign or no Referer) is never kept; an old version gets the per-request page, uncached", async () => {
    const v = await version();
    for (const referer of ["http://evil.test/", undefined]) {
      const res = await embed(v, referer ? { referer } : {});
      assert.equal(res.status, 200);
      assert.equal(res.headers["cache-control"], "no-store", `referer ${referer}`);
      assert.equal(res.headers.etag, undefined);
      assert.match(String(res.headers["content-security-policy"]), new RegExp(`frame-ancestors 'self' ${SHOP}$`));
    }
    const old = await embed("0123456789ab", { referer: `${SHOP}/` });
    assert.equal(old.headers["cache-control"], "no-cache");
    assert.match(old.body.toString(), /<script src="\/build\/hashed\/visitor\.[0-9a-f]{12}\.js" defer>/);
    assert.match(String(old.headers["content-security-policy"]), /script-src 'self';/, "no hashes: nothing inline");
  });

  it("a new version when the widget settings or the allowed origins change", async () => {
    const settings = srv.application.services.settings;
    const v1 = await version();
    await settings.setWidget({ ...(await settings.getWidget()), title: "Renamed Help" });
    const v2 = await version();
    assert.notEqual(v2, v1);
    const page = brotliDecompressSync((await embed(v2, { referer: `${SHOP}/`, "accept-encoding": "br" })).body).toString();
    assert.match(page, /<title>Renamed Help<\/title>/);
    assert.equal((await embed(v1, { referer: `${SHOP}/` })).headers["cache-control"], "no-cache", "the old one is not kept");

    await settings.setWidget({ ...(await settings.getWidget()), allowedOrigins: ["http://other.test"] });
    const v3 = await version();
    assert.notEqual(v3, v2);
    const res = await embed(v3, { referer: "http://other.test/" });
    assert.match(String(res.headers["content-security-policy"]), /frame-ancestors 'self' http:\/\/shop\.test:8080 http:\/\/other\.test$/);
    assert.match(String(res.headers["cache-control"]), /max-age=600/);
  });
});
