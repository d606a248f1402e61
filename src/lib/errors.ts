// One error type for the whole app. Services throw AppError with a contract code; the
// socket wrapper turns it into an ack, the Express error handler into JSON or a page.
// Anything else is a bug: logged, answered INTERNAL without details.
import type { z } from "zod";
import type { ErrorCode } from "../events.js";

const httpStatus: Record<ErrorCode, number> = {
  VALIDATION: 400,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CONTENT_BLOCKED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly status: number = httpStatus[code],
    /** RATE_LIMITED and UNAVAILABLE: when to try again (the contract's `retryAfterMs`). */
    public readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  toJSON(): { code: ErrorCode; message: string; retryAfterMs?: number } {
    return { code: this.code, message: this.message, ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}) };
  }
}

export const validation = (message: string) => new AppError("VALIDATION", message);
/** A schema's complaint, as a VALIDATION message naming the first few fields. */
export function formatZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join(".") : "payload"}: ${i.message}`)
    .join("; ");
}
export const notFound = (what = "not found") => new AppError("NOT_FOUND", what);
export const forbidden = (message = "not allowed") => new AppError("FORBIDDEN", message);
export const conflict = (message: string) => new AppError("CONFLICT", message);

/** Postgres unique-violation, as surfaced by Prisma (P2002) or the raw drivers (23505). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: { code?: string } } | null;
  if (!e) return false;
  return (
    e.code === "P2002" ||
    e.code === "23505" ||
    e.cause?.code === "23505" ||
    /23505|unique constraint/i.test(e.message ?? "")
  );
}
