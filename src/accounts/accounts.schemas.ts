import { z } from "zod";
import { VisitorContextFields } from "../visitors/visitors.schemas.js";

const email = z.string().trim().toLowerCase().max(254).pipe(z.email());
const name = z.string().trim().min(1).max(100);

export const VisitorSessionSchema = z.strictObject({
  name: name.optional(),
  email: email.optional(),
  // Context for the agent's visitor panel; all optional, all bounded. The contract's
  // top-level fields (page, referrer, language, timezone) and the older `meta` object.
  meta: z
    .strictObject({
      pageUrl: z.string().max(2000).optional(),
      referrer: z.string().max(2000).optional(),
      language: z.string().max(35).optional(),
      timezone: z.string().max(64).optional(),
    })
    .optional(),
  ...VisitorContextFields,
  // Verified identity (visitors/identity.rules.ts): judged only with IDENTITY_SECRET set.
  userId: z.string().min(1).max(128).optional(),
  userHash: z.string().max(256).optional(),
});
/** /account/password: the new password twice (the generated first one is replaced). */
export const FirstPasswordSchema = z.strictObject({
  password: z.string().min(8, "at least 8 characters").max(200, "at most 200 characters"),
  confirm: z.string().max(200),
  next: z.string().max(500).optional(),
  // The generated first admin's choice (password.routes.ts): whether they answer chats.
  takesChats: z.enum(["yes", "no"], "choose whether you answer chats yourself").optional(),
}).refine((p) => p.password === p.confirm, { message: "the two passwords differ", path: ["confirm"] });
export const AgentTokenSchema = z.strictObject({ email: z.string().max(254), password: z.string().min(1).max(200) });
const password = z.string().min(8).max(200);
const role = z.enum(["admin", "agent"]);
const maxConcurrent = z.number().int().min(1).max(100);
export const CreateAgentSchema = z.strictObject({ email, name, password, role, maxConcurrent: maxConcurrent.optional() });
/** PATCH /api/agents/:id: any of these; the email is not changed this way. */
export const UpdateAgentSchema = z.strictObject({
  name: name.optional(),
  role: role.optional(),
  maxConcurrent: maxConcurrent.optional(),
  active: z.boolean().optional(),
  password: password.optional(),
  takesChats: z.boolean().optional(),
});

/** The /login form (urlencoded; `_csrf` is removed by the CSRF check before this runs). */
export const LoginFormSchema = z.strictObject({
  email: z.string().trim().toLowerCase().min(1, "email is required").max(254),
  password: z.string().min(1, "password is required").max(200),
  next: z.string().max(500).optional(),
});
