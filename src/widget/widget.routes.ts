// The visitor's entry points: the chat page (`GET /`, and `/?embed=1` inside the
// widget's iframe), the one-tag loader (`GET /widget.js`) and its settings
// (`GET /api/widget/settings`); the loader frames the cacheable embed page
// (embed-page.ts), `/?embed=1` without its version is the per-request one. The allowed origins (origins.ts) decide who may embed:
// CSP frame-ancestors on the embed page, CORS on the settings. The loader itself is public (a script tag needs no permission), but
// on a site that is not allowed it shows nothing. The settings (and the per-request page)
// also say whether an agent is available, so a visitor sees the leave-a-message state
// before writing; the cacheable page asks the settings for it as it starts.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ejs from "ejs";
import express, { type Request, type Response } from "express";
import { memoAvailability, type AvailabilitySource } from "./availability.js";
import { createEmbedPage, createLoader, pageCsp } from "./embed-page.js";
import { sendEncoded } from "../lib/encoded.js";
import type { Origins } from "./origins.js";
import type { HoursState, Schedule } from "../hours/hours.rules.js";

export interface WidgetSettings {
  title: string;
  color: string;
  greeting: string;
  position: "right" | "left";
  offlineMessage: string;
  /** Per-language title, greeting and offline message (settings.schemas.ts); empty falls back. */
  translations?: Partial<Record<string, { title: string; greeting: string; offlineMessage: string }>>;
}

export interface WidgetDeps {
  settings: { getWidget(): Promise<WidgetSettings> };
  origins: Pick<Origins, "allowed" | "list">;
  /** The presence store: an online, not-away agent exists. */
  presence: AvailabilitySource;
  /** Business hours: outside them nobody is available, whoever is online. */
  hours?: { state(): HoursState; schedule(): Schedule; now(): number };
  /** The hashed URL of a page asset (lib/assets.ts); the stable one by default. */
  asset?: (name: string) => string;
  /** The built text of a page asset (lib/assets.ts), for the cacheable embed page. */
  content?: (name: string) => string | null;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const VIEW = path.join(root, "views", "visitor.ejs");
const BUNDLE = path.join(root, "public", "build", "widget.js");
/** How long a browser reuses the embed page unasked (see the route). */
const EMBED_MAX_AGE_S = 600;

export function widgetRoutes(deps: WidgetDeps): express.Router {
  const router = express.Router();
  const presence = memoAvailability(deps.presence);
  const available = () => (deps.hours && !deps.hours.state().open ? Promise.resolve(false) : presence());
  /** With a schedule: `hours: { open, nextChangeInMs }` (relative, so a page's clock skew
   *  does not matter), for the page to re-ask right when the hours open or close. */
  const hoursField = () => {
    if (!deps.hours?.schedule().enabled) return {};
    const { open, nextChangeAt } = deps.hours.state();
    return { hours: { open, ...(nextChangeAt === null ? {} : { nextChangeInMs: Math.max(0, nextChangeAt - deps.hours.now()) }) } };
  };

  const embedPage = createEmbedPage({
    view: VIEW,
    settings: async () => {
      const s = await deps.settings.getWidget();
      return { title: s.title, color: s.color, greeting: s.greeting, position: s.position, offlineMessage: s.offlineMessage, translations: s.translations ?? {} };
    },
    frameAncestors: () => deps.origins.list(),
    content: deps.content ?? (() => null),
  });
  const loader = createLoader(BUNDLE);
  // Made ahead, so the first visitor after a start does not wait for it (nor get gzip
  // while brotli is being made); a failure here is the first request's to report.
  void embedPage().catch(() => {});
  const framing = (res: Response, policy: string) => {
    res.setHeader("Content-Security-Policy", policy);
    // frame-ancestors governs framing; an X-Frame-Options from a global middleware
    // (helmet) would refuse every allowed embedder.
    res.removeHeader("X-Frame-Options");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  };

  /** The frame's parent, as the browser names it in the Referer (an iframe's request has
   *  no Origin), is one of the allowed origins. */
  const framedByAllowed = (req: Request) => {
    try {
      const parent = new URL(req.headers.referer ?? "").origin;
      return parent !== "null" && deps.origins.allowed(parent, req.headers.host);
    } catch {
      return false;
    }
  };

  router.get("/", async (req: Request, res: Response, next) => {
    try {
      const embed = req.query.embed === "1";
      const page = embed && typeof req.query.v === "string" ? await embedPage() : null;
      if (page && page.version === req.query.v) {
        framing(res, page.csp);
        if (framedByAllowed(req)) {
          // The same bytes and headers for as long as the version lives; kept 10 minutes,
          // then revalidated (ETag), so an origin the admin removes stops framing the
          // cached copy soon (its version is gone: the answer is the uncached page).
          res.setHeader("Cache-Control", `public, max-age=${EMBED_MAX_AGE_S}, stale-while-revalidate=86400`);
          res.setHeader("ETag", `"${page.version}"`);
        } else {
          // A refusal (or a parent we cannot see) is not kept: once the admin allows
          // that site, its next load must not meet the old frame-ancestors.
          res.setHeader("Cache-Control", "no-store");
        }
        res.type("html");
        return sendEncoded(req, res, page.body);
      }
      const [settings, open] = await Promise.all([deps.settings.getWidget(), available()]);
      const widget = { ...settings, ...(open === null ? {} : { available: open }), ...hoursField() };
      const html = await ejs.renderFile(VIEW, { widget, embed, asset: deps.asset ?? ((n: string) => `/${n}`) }, { async: false });
      framing(res, pageCsp(embed ? ["'self'", ...deps.origins.list()] : ["'self'"]));
      res.setHeader("Cache-Control", "no-cache"); // carries availability: never reused unasked
      res.type("html").send(html);
    } catch (err) {
      next(err);
    }
  });

  router.get("/widget.js", async (req, res, next) => {
    try {
      // It names the embed page's version, so it frames the cacheable page.
      const body = loader((await embedPage())?.version ?? "");
      if (!body) return next(); // not built: the 404 handler answers
      // Loaded by third-party pages: a same-origin CORP (helmet's default) would block it.
      res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
      // The URL is not versioned, so keep caches short and let ETags revalidate.
      res.setHeader("Cache-Control", "public, max-age=300, stale-while-revalidate=86400");
      res.setHeader("Content-Type", "application/javascript; charset=utf-8");
      res.setHeader("ETag", body.etag);
      sendEncoded(req, res, body);
    } catch (err) {
      next(err);
    }
  });

  router.get("/widget.js.map", (_req, res, next) => {
    if (!existsSync(`${BUNDLE}.map`)) return next();
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    res.sendFile(`${BUNDLE}.map`);
  });

  const cors = (req: Request, res: Response) => {
    res.vary("Origin");
    const origin = req.headers.origin;
    if (origin && deps.origins.allowed(origin)) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    }
  };

  router.options("/api/widget/settings", (req, res) => {
    cors(req, res);
    res.setHeader("Access-Control-Allow-Methods", "GET");
    res.setHeader("Access-Control-Max-Age", "600");
    res.status(204).end();
  });

  router.get("/api/widget/settings", async (req, res, next) => {
    try {
      const [s, open] = await Promise.all([deps.settings.getWidget(), available()]);
      cors(req, res);
      // Short: `available` changes when agents come and go (pages poll with no-cache and
      // get a 304 while nothing changed).
      res.setHeader("Cache-Control", "public, max-age=5");
      res.json({
        title: s.title, color: s.color, greeting: s.greeting, position: s.position, offlineMessage: s.offlineMessage, translations: s.translations ?? {},
        ...(open === null ? {} : { available: open }), ...hoursField(),
      });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
