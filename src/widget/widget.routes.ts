// The visitor's entry points: the chat page (`GET /`, and `/?embed=1` inside the
// widget's iframe), the one-tag loader (`GET /widget.js`) and its settings
// (`GET /api/widget/settings`). The allowed origins (origins.ts) decide who may embed:
// CSP frame-ancestors on the embed page, CORS on the settings. The loader itself is public (a script tag needs no permission), but
// on a site that is not allowed it shows nothing. Page and settings also say whether an
// agent is available, so a visitor sees the leave-a-message state before writing.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ejs from "ejs";
import express, { type Request, type Response } from "express";
import { memoAvailability, type AvailabilitySource } from "./availability.js";
import type { Origins } from "./origins.js";
import type { HoursState, Schedule } from "../hours/hours.rules.js";

export interface WidgetSettings {
  title: string;
  color: string;
  greeting: string;
  position: "right" | "left";
  offlineMessage: string;
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
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const VIEW = path.join(root, "views", "visitor.ejs");
const BUNDLE = path.join(root, "public", "build", "widget.js");

/** The page's policy: no inline script or style at all; sockets and uploads same-origin. */
function csp(frameAncestors: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.join(" ")}`,
  ].join("; ");
}

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

  router.get("/", async (req: Request, res: Response, next) => {
    try {
      const embed = req.query.embed === "1";
      const [settings, open] = await Promise.all([deps.settings.getWidget(), available()]);
      const widget = { ...settings, ...(open === null ? {} : { available: open }), ...hoursField() };
      const html = await ejs.renderFile(VIEW, { widget, embed, asset: deps.asset ?? ((n: string) => `/${n}`) }, { async: false });
      res.setHeader("Content-Security-Policy", csp(embed ? ["'self'", ...deps.origins.list()] : ["'self'"]));
      // frame-ancestors governs framing; an X-Frame-Options from a global middleware
      // (helmet) would refuse every allowed embedder.
      res.removeHeader("X-Frame-Options");
      res.setHeader("Cache-Control", "no-cache");
      res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
      res.type("html").send(html);
    } catch (err) {
      next(err);
    }
  });

  router.get("/widget.js", (_req, res, next) => {
    if (!existsSync(BUNDLE)) return next(); // not built: the 404 handler answers
    // Loaded by third-party pages: a same-origin CORP (helmet's default) would block it.
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    // The URL is not versioned, so keep caches short and let ETags revalidate.
    res.setHeader("Cache-Control", "public, max-age=300, stale-while-revalidate=86400");
    res.sendFile(BUNDLE, { etag: true, lastModified: true, headers: { "Content-Type": "application/javascript; charset=utf-8" } });
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
        title: s.title, color: s.color, greeting: s.greeting, position: s.position, offlineMessage: s.offlineMessage,
        ...(open === null ? {} : { available: open }), ...hoursField(),
      });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
