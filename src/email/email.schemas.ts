import { z } from "zod";

/** ?t= of the resume and unsubscribe links (checked by email-links.ts). */
export const LinkQuerySchema = z.object({ t: z.string().min(1, "the link is incomplete").max(300, "the link is malformed") });
/** The admin's agent opt-in form: the checked agents' ids (none, one, or several). */
export const NotifyFormSchema = z.strictObject({
  notify: z.union([z.string().max(64), z.array(z.string().max(64)).max(1000)]).optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
});
