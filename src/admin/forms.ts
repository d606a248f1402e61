// The post/redirect/get cycle of every admin form: on success a one-shot notice and a
// 303 back to the page; on a refused input (validation, conflict, not found) the same
// page again with the error and what was typed, and a 4xx status. Nothing is changed
// in that case: every action validates before it writes.
import type { Request, RequestHandler, Response } from "express";
import { AppError } from "../lib/errors.js";
import { translator, type Translate } from "../i18n/translate.rules.js";

export type Render = (req: Request, res: Response, status: number, extra: { error?: string; values?: object; form?: string }) => Promise<void>;

export function formAction(render: Render, form: string, back: string, action: (req: Request, t: Translate) => Promise<string>): RequestHandler {
  return async (req, res) => {
    let notice: string;
    try {
      // The notice in the agent's language (the page's `t`, src/i18n/i18n.middleware.ts).
      notice = await action(req, (res.locals.t as Translate | undefined) ?? translator("en"));
    } catch (err) {
      const refusable = err instanceof AppError && err.status < 500 && err.code !== "FORBIDDEN" && err.code !== "AUTH_INVALID";
      if (!refusable) throw err;
      // Passwords are never echoed back into the page.
      const { password: _pw, ...values } = (req.body ?? {}) as Record<string, unknown>;
      // `_id`: which row's form was refused, when the form belongs to one item.
      return render(req, res, err.status, { error: err.message, values: { ...values, _id: req.params.id }, form });
    }
    req.session.flash = notice;
    res.redirect(303, back);
  };
}
