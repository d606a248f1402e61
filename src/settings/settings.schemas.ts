// What an admin may store under the "widget" and "contentFilter" settings. The same
// schemas validate the admin forms and whatever is read back from the database, so a
// hand-edited row can never reach the widget or the filter malformed.
import { z } from "zod";
import { normaliseOrigin, ORIGIN_RE } from "../widget/origins.js";

const lines = (max: number, each: z.ZodType<string, string>) =>
  z
    .string()
    .max(max * 120)
    .transform((s) => s.split(/\r?\n|,/).map((l) => l.trim()).filter(Boolean))
    .pipe(z.array(each).max(max));

/** A language's own title, greeting and offline message; an empty one falls back to the default's. */
const LocalText = z.strictObject({
  title: z.string().trim().max(60),
  greeting: z.string().trim().max(300),
  offlineMessage: z.string().trim().max(300),
});
/** The languages the admin may word the widget in besides the default text. */
export const WIDGET_LANGS = ["zh-CN"] as const;

export const WidgetSchema = z.strictObject({
  title: z.string().trim().min(1, "title is required").max(60),
  color: z.string().trim().regex(/^#[0-9a-f]{6}$/i, "colour must look like #4f46e5"),
  greeting: z.string().trim().max(300),
  offlineMessage: z.string().trim().max(300),
  position: z.enum(["right", "left"]),
  allowedOrigins: z.array(z.string().regex(ORIGIN_RE)).max(50),
  translations: z.strictObject({ "zh-CN": LocalText.optional() }).optional(),
});
export type WidgetSettings = z.infer<typeof WidgetSchema>;

/** The form's flat `zh-CN.title`… fields (urlencoded, not nested) gathered under `translations`. */
function gatherTranslations(body: unknown): unknown {
  if (!body || typeof body !== "object") return body;
  const rest: Record<string, unknown> = {};
  const translations: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(body)) {
    const m = /^([a-zA-Z-]+)\.(title|greeting|offlineMessage)$/.exec(k);
    if (m && (WIDGET_LANGS as readonly string[]).includes(m[1])) (translations[m[1]] ??= { title: "", greeting: "", offlineMessage: "" })[m[2]] = v;
    else rest[k] = v;
  }
  return Object.keys(translations).length ? { ...rest, translations } : rest;
}

/** The admin form: origins arrive as one textarea, one origin per line. */
export const WidgetFormSchema = z.preprocess(gatherTranslations, WidgetSchema.extend({
  allowedOrigins: lines(50, z.string().transform(normaliseOrigin).pipe(z.string().regex(ORIGIN_RE, "origins look like https://www.example.com"))),
}));

export const ContentFilterSchema = z.strictObject({
  words: z.array(z.string().trim().min(1).max(100)).max(5000),
  policy: z.enum(["mask", "block"]),
});

export const ContentFilterFormSchema = z.strictObject({
  words: z
    .string()
    .max(200_000)
    .transform((s) => [...new Set(s.split(/\r?\n/).map((w) => w.trim()).filter(Boolean))])
    .pipe(z.array(z.string().max(100, "each word at most 100 characters")).max(5000, "at most 5000 words")),
  policy: z.enum(["mask", "block"], "policy must be mask or block"),
});
