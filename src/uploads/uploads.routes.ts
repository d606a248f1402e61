// File and image uploads: POST /api/uploads (multipart field `file`, visitor or agent
// bearer token) stores the file under DATA_DIR/uploads and answers the attachment to
// send with `message:send`; GET /uploads/:id serves it back.
import { randomUUID } from "node:crypto";
import { mkdirSync, createReadStream, unlink } from "node:fs";
import path from "node:path";
import { Router, type Request } from "express";
import multer from "multer";
import type { AccountsService } from "../accounts/accounts.service.js";
import { AppError, notFound } from "../lib/errors.js";
import { bearer } from "../lib/http.js";
import type { Prisma } from "../lib/db.js";
import { toAttachment } from "../conversations/messages.mapper.js";
import { allowedType, sniffMatches } from "./uploads.rules.js";

export function uploadsRoutes(d: { accounts: AccountsService; prisma: Prisma; dataDir: string; maxBytes: number }) {
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

  const r = Router();
  r.post("/api/uploads", async (req, res) => {
    const who = await owner(req); // before reading the body: strangers upload nothing
    await new Promise<void>((resolve, reject) =>
      upload(req, res, (err: unknown) => {
        const e = err as { code?: string } | undefined;
        if (e?.code === "LIMIT_FILE_SIZE") reject(new AppError("VALIDATION", `file larger than ${d.maxBytes} bytes`, 413));
        else if (e?.code) reject(new AppError("VALIDATION", `bad upload: ${e.code}`));
        else if (err) reject(err);
        else resolve();
      }),
    );
    const f = req.file;
    if (!f) throw new AppError("VALIDATION", "multipart field `file` is required");
    const drop = () => unlink(f.path, () => {});
    if (!allowedType(f.mimetype) || !(await sniffMatches(f.path, f.mimetype))) {
      drop();
      throw new AppError("VALIDATION", `file type ${f.mimetype} is not allowed`, 415);
    }
    const name = path.basename(f.originalname || "file").slice(0, 200);
    await d.prisma.attachment.create({
      data: { id: f.filename, ownerType: who.type, ownerId: who.id, name, size: f.size, mime: f.mimetype, path: f.filename },
    });
    res.status(201).json({ attachment: toAttachment(f.filename, name, f.size, f.mimetype) });
  });

  r.get("/uploads/:id", async (req, res) => {
    const id = String(req.params.id);
    const a = /^[0-9a-f-]{36}$/.test(id) ? await d.prisma.attachment.findUnique({ where: { id } }) : null;
    if (!a) throw notFound("no such file");
    res.setHeader("Content-Type", a.mime);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "private, max-age=86400");
    // Only images are shown inline; everything else downloads, never renders as a page.
    const disposition = a.mime.startsWith("image/") ? "inline" : "attachment";
    res.setHeader("Content-Disposition", `${disposition}; filename*=UTF-8''${encodeURIComponent(a.name)}`);
    createReadStream(path.join(dir, a.path)).on("error", () => res.destroy()).pipe(res);
  });
  return r;
}
