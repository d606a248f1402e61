// The console's HTTP calls: same-origin JSON with the session cookie, and uploads
// (POST /api/uploads takes a bearer token, fetched once per page from the session).
import type { Attachment } from "../../events.js";
import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  if (res.status === 401) {
    // The session ended (logout in another tab, deactivated): back to the login page.
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    throw new ApiError(401, "AUTH_INVALID", "logged out");
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body?.error ?? {};
    throw new ApiError(res.status, e.code ?? "INTERNAL", e.message ?? `request failed (${res.status})`);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { credentials: "same-origin", headers: { accept: "application/json" } }));
}

let uploadToken: Promise<string> | null = null;
const token = () => (uploadToken ??= getJson<{ token: string }>("/api/console/token").then((r) => r.token));

export async function upload(file: File): Promise<Attachment> {
  const form = new FormData();
  form.append("file", file, file.name);
  const send = async () =>
    fetch("/api/uploads", { method: "POST", body: form, credentials: "same-origin", headers: { authorization: `Bearer ${await token()}` } });
  let res = await send();
  if (res.status === 401) {
    uploadToken = null; // expired or the agent's token was refused: one fresh try
    res = await send();
  }
  if (res.status === 413) throw new ApiError(413, "VALIDATION", t("js.err.tooLarge"));
  if (res.status === 415) throw new ApiError(415, "VALIDATION", t("js.err.badType"));
  return (await parse<{ attachment: Attachment }>(res)).attachment;
}
