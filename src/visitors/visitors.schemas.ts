// Where a visitor is: the page, its title, where they came from, their language and
// timezone, as the chat page or the widget's host page sees them. All optional, all
// bounded; the same fields in POST /api/visitor/session and the `visitor:context` event.
import { z } from "zod";

export const VisitorContextFields = {
  page: z.string().max(2000).optional(),
  title: z.string().max(300).optional(), // the page's title (an addition to the contract's fields)
  referrer: z.string().max(2000).optional(),
  language: z.string().max(35).optional(),
  timezone: z.string().max(64).optional(),
};

/** `visitor:context` (visitors only): strict, like every event payload. */
export const VisitorContextSchema = z.strictObject(VisitorContextFields);

/** visitor.meta keys, as the console's panel has always read them (pageUrl, not page). */
export function contextToMeta(c: { page?: string; title?: string; referrer?: string; language?: string; timezone?: string }) {
  const meta: Record<string, string> = {};
  if (c.page !== undefined) meta.pageUrl = c.page;
  if (c.title !== undefined) meta.pageTitle = c.title;
  if (c.referrer !== undefined) meta.referrer = c.referrer;
  if (c.language !== undefined) meta.language = c.language;
  if (c.timezone !== undefined) meta.timezone = c.timezone;
  return meta;
}
