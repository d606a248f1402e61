// The reports page in Chromium, as an admin sees it: a month of seeded conversations,
// the bars and the CSAT distribution drawn by the server (no script, nothing the strict
// CSP refuses), the filter form and the CSV link keep the period.
import assert from "node:assert/strict";
import path from "node:path";
import { ADMIN, serverPerSuite, startServer } from "../helpers/server.js";
import { launch, newPage } from "../browser/browser.js";

const SHOTS = process.env.HOLDFAST_SHOTS_DIR ?? path.resolve(import.meta.dirname, "../../test-artifacts");

describe("reports page (Chromium)", function () {
  this.timeout(60_000);
  const srv = serverPerSuite(() => startServer());

  it("draws a month of figures without a CSP complaint, and filters by period", async () => {
    const prisma = srv.application.services.db.prisma;
    const admin = (await prisma.$queryRawUnsafe<{ id: string }[]>("SELECT id FROM agent LIMIT 1"))[0].id;
    // 30 days, 3 to 11 conversations a day; every 5th unanswered and resolved (missed).
    await prisma.$executeRawUnsafe(`INSERT INTO visitor (id, name) SELECT 'v' || i, 'V' FROM generate_series(1, 600) i`);
    await prisma.$executeRawUnsafe(`INSERT INTO conversation (id, visitor_id, agent_id, status, created_at, updated_at,
        first_visitor_at, first_response_at, resolved_at, csat_rating)
      SELECT 'c' || i, 'v' || i, $1::text, 'resolved', t, t, t,
        CASE WHEN (d + k) % 5 = 0 THEN NULL ELSE t + (20 + (i * 53) % 400) * interval '1 second' END,
        t + (600 + (i * 37) % 5400) * interval '1 second', CASE WHEN i % 2 = 0 THEN 1 + ((i * 7) % 11) % 5 END
      FROM (SELECT d * 20 + k AS i, d, k, date_trunc('day', now()) - d * interval '1 day' + k * interval '40 minutes' AS t
            FROM generate_series(0, 29) d CROSS JOIN LATERAL generate_series(1, 3 + (d * 7) % 9) k) s`, admin);
    const n = (await prisma.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM conversation"))[0].n;

    const browser = await launch();
    try {
      const { context, page, errors } = await newPage(browser, { viewport: { width: 1200, height: 1100 } });
      await page.goto(`${srv.url}/login?next=/admin/reports`);
      await page.locator('input[name="email"]').fill(ADMIN.email);
      await page.locator('input[name="password"]').fill(ADMIN.password);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(/\/admin\/reports$/);
      assert.equal(await page.locator('[data-k="conversations"]').innerText(), String(n));
      assert.equal(await page.locator("#report-chart g").count(), 30, "a bar slot per day");
      await page.screenshot({ path: path.join(SHOTS, "csat-reports.png"), fullPage: true });

      // The period filter: one day, and the CSV link carries it.
      const today = new Date().toISOString().slice(0, 10);
      await page.locator('input[name="from"]').fill(today);
      await page.locator("#report-filter button[type=submit]").click();
      await page.waitForURL(/from=/);
      assert.equal(await page.locator("#report-chart g").count(), 1);
      assert.match((await page.locator("#report-csv").getAttribute("href")) ?? "", new RegExp(`from=${today}&to=${today}`));
      assert.deepEqual(errors, [], "no script error and no CSP violation");
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
