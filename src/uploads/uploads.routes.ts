// File and image uploads: POST /api/uploads (multipart field `file`, visitor or agent
// bearer token) stores the file under DATA_DIR/uploads, under the type its bytes show
// and a cleaned name, and answers the attachment to send with `message:send`.
// GET /uploads/:id serves it back to a signed link (the attachment's `url`) or to a
// credential with rights on it: a visitor or agent bearer token, or the console's session.
import { randomUUID } from "node:crypto";
import { mkdirSync, createReadStream, unlink } from "node:fs";
import path from "node:path";
import { Router, type Request } from "express";
import multer from "multer";
import type { AccountsService } from "../accounts/accounts.service.js";
import type { WebAuth } from "../accounts/web-auth.js";
import { toAttachment } from "../conversations/messages.mapper.js";
import { AppError, notFound } from "../lib/errors.js";
import { bearer } from "../lib/http.js";
import type { UploadLinks } from "./upload-links.js";
import type { AttachmentRow, UploadsRepository } from "./uploads.repository.js";
import { cleanName, decideType, servedAs } from "./uploads.rules.js";
import { sniff } from "./uploads.sniff.js";

const ID = /^[0-9a-f-]{36}$/;

export function uploadsRoutes(d: {
  accounts: AccountsService; auth: Pick<WebAuth, "sessionAgent">; repo: UploadsRepository; links: UploadLinks;
  dataDir: string; maxBytes: number;
}) {
  const dir = path.resolve(d.dataDir, "uploads");
  mkdirSync(dir, { recursive: true });
  const upload = multer({
    storage: multer.diskStorage({ destination: dir, filename: (_req, _f, cb) => cb(null, randomUUID()) }),
    limits: { fileSize: d.maxBytes, files: 1, fields: 5 },
  }).single("file");

  async function owner(req: Request) {
    const token = bearer(req);
    if (!token) throw new AppError("AUTH_INVALID", "bearer token required");
    const visitorId = d.accounts.visitorIdFromToken(token);
    if (visitorId) return { type: "visitor", id: visitorId };
    const agent = await d.accounts.agentFromToken(token);
    if (agent) return { type: "agent", id: agent.id };
    throw new AppError("AUTH_INVALID", "invalid token");
  }

  /** Without a signed link: the caller's credential, and its right to this attachment. */
  async function mayRead(req: Request, a: AttachmentRow): Promise<void> {
    const token = bearer(req);
    const visitorId = token ? d.accounts.visitorIdFromToken(token) : null;
    if (visitorId) {
      if (!(await d.repo.visitorMayRead(a, visitorId))) throw notFound("no such file");
      return;
    }
    const agent = token ? await d.accounts.agentFromToken(token) : await d.auth.sessionAgent(req);
    if (!agent) throw new AppError(token ? "AUTH_INVALID" : "AUTH_REQUIRED", token ? "invalid token" : "a signed link or a credential is required");
    if (!(await d.repo.agentMayRead(a, agent))) throw new AppError("FORBIDDEN", "not your conversation");
  }

  const r = Router();
  r.post("/api/uploads", async (req, res) => {
    const who = await owner(req); // before reading the body: strangers upload nothing
    await new Promise<void>((resolve, reject) =>
      upload(req, res, (err: unknown) => {
        const e = err as { code?: string } | undefined;
        if (e?.code === "LIMIT_FILE_SIZE") reject(new AppError("VALIDATION", `file larger than ${d.maxBytes} bytes`, 413));
        else if (e?.code) reject(new AppError("VALIDATION", `bad upload: ${e.code}`));
        // busboy's complaints about the body itself ("Malformed part header", ...).
        else if (err instanceof Error) reject(new AppError("VALIDATION", `malformed multipart body: ${err.message}`));
        else if (err) reject(err);
        else resolve();
      }),
    );
    const f = req.file;
    if (!f) throw new AppError("VALIDATION", "multipart field `file` is required");
    const mime = decideType(await sniff(f.path), f.mimetype, f.originalname || "");
    if (!mime) {
      unlink(f.path, () => {});
      throw new AppError("VALIDATION", `this file's type is not allowed (or not what it claims to be: ${f.mimetype})`, 415);
    }
    const name = cleanName(f.originalname || "file", mime);
    await d.repo.create({ id: f.filename, ownerType: who.type, ownerId: who.id, name, size: f.size, mime, path: f.filename });
    res.status(201).json({ attachment: toAttachment({ id: f.filename, name, size: f.size, mime }, d.links.url) });
  });

  r.get("/uploads/:id", async (req, res) => {
    const id = String(req.params.id);
    const signed = req.query.sig !== undefined || req.query.exp !== undefined;
    const link = signed ? d.links.check(id, req.query.exp, req.query.sig) : null;
    if (link === "expired") throw new AppError("FORBIDDEN", "this link has expired");
    if (link === "invalid") throw new AppError("FORBIDDEN", "invalid link");
    if (!signed && !bearer(req) && !req.session?.agentId) throw new AppError("AUTH_REQUIRED", "a signed link or a credential is required");
    const a = ID.test(id) ? await d.repo.byId(id) : null;
    if (!a) throw notFound("no such file");
    if (!signed) await mayRead(req, a);
    const served = servedAs(a.mime);
    res.setHeader("Content-Type", served.type);
    res.setHeader("X-Content-Type-Options", "nosniff");
    // Even a file the browser did render could run nothing and load nothing.
    res.setHeader("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox");
    res.setHeader("Cache-Control", "private, max-age=86400");
    res.setHeader("Content-Disposition", `${served.disposition}; filename*=UTF-8''${encodeURIComponent(a.name)}`);
    createReadStream(path.join(dir, a.path)).on("error", () => res.destroy()).pipe(res);
  });
  return r;
}
