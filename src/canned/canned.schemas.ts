import { z } from "zod";

export const CannedFormSchema = z.strictObject({
  shortcut: z
    .string()
    .trim()
    .toLowerCase()
    .transform((s) => s.replace(/^\//, ""))
    .pipe(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "shortcut: 1-32 letters, digits, - or _ (typed after /)")),
  body: z.string().trim().min(1, "text is required").max(2000, "text at most 2000 characters"),
});
