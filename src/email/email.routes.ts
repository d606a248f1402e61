// The links of the follow-up emails. /chat/resume turns a signed resume link into a
// visitor session for that visitor and lands on the visitor page, which adopts it
// (src/client/visitor/resume.ts) and shows the whole history; /email/unsubscribe stops
// the emails in one click (GET from the email's link, POST from a mail client's own
// button, RFC 8058, under /api/ because it carries no CSRF token: the signature is its proof).
import { Router, type Request, type Response } from "express";
import { parseBody } from "../lib/http.js";
import type { EmailLinks } from "./email-links.js";
import { LinkQuerySchema } from "./email.schemas.js";

export interface EmailRoutesDeps {
  links: EmailLinks;
  /** A visitor token for an existing visitor (tokens.sign("v", id)). */
  visitorToken: (visitorId: string) => string;
  visitorExists: (visitorId: string) => Promise<boolean>;
  unsubscribe: (visitorId: string) => Promise<void>;
}

const page = (res: Response, status: number, title: string, message: string) =>
  res.status(status).render("email/page", { title, message });

export function emailRoutes(d: EmailRoutesDeps) {
  const r = Router();
  // Never cached or passed on in Referer: the URLs are credentials.
  r.use(["/chat/resume", "/email/unsubscribe", "/api/email/unsubscribe"], (_req, res, next) => {
    res.set("Cache-Control", "no-store").set("Referrer-Policy", "no-referrer");
    next();
  });

  r.get("/chat/resume", async (req, res) => {
    const link = d.links.verify(parseBody(LinkQuerySchema, req.query).t, "resume");
    if (link === "expired") return page(res, 410, "This link has expired · 链接已过期", "Open the chat from the website to continue. 请从网站重新打开对话。");
    if (link === "invalid" || !(await d.visitorExists(link.visitorId))) {
      return page(res, 400, "This link is not valid · 链接无效", "Open the chat from the website instead. 请从网站打开对话。");
    }
    // In the fragment: it never reaches a server log or a proxy, and the page removes it at once.
    res.redirect(303, `/#hf-resume=${encodeURIComponent(d.visitorToken(link.visitorId))}`);
  });

  const unsubscribe = async (req: Request) => {
    const link = d.links.verify(parseBody(LinkQuerySchema, req.query).t, "unsub");
    if (typeof link === "string") return false;
    await d.unsubscribe(link.visitorId);
    return true;
  };
  r.get("/email/unsubscribe", async (req, res) => {
    if (!(await unsubscribe(req))) return page(res, 400, "This link is not valid · 链接无效", "Nothing was changed. 未做任何更改。");
    page(res, 200, "Unsubscribed · 已退订", "You will get no more emails about your conversations. 您将不再收到有关对话的邮件。");
  });
  r.post("/api/email/unsubscribe", async (req, res) => {
    res.status((await unsubscribe(req)) ? 204 : 400).end();
  });
  return r;
}
