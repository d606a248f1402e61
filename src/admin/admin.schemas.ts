// The admin forms (application/x-www-form-urlencoded: every value is a string).
// Strict objects: a field the form does not have is refused, nothing is changed.
import { z } from "zod";

const email = z.string().trim().toLowerCase().max(254).pipe(z.email("a valid email address is required"));
const name = z.string().trim().min(1, "name is required").max(100, "name at most 100 characters");
const password = z.string().min(8, "password: at least 8 characters").max(200, "password: at most 200 characters");
const role = z.enum(["admin", "agent"], "role must be admin or agent");
const capacity = z.coerce
  .number("capacity must be a number")
  .int("capacity must be a whole number")
  .min(1, "capacity: 1 to 100 conversations")
  .max(100, "capacity: 1 to 100 conversations");

export const CreateAgentFormSchema = z.strictObject({ email, name, password, role, maxConcurrent: capacity });
export const UpdateAgentFormSchema = z.strictObject({ name, role, maxConcurrent: capacity });
export const PasswordFormSchema = z.strictObject({ password });
export const TakesChatsFormSchema = z.strictObject({ takesChats: z.enum(["0", "1"], "takesChats must be 0 or 1").transform((v) => v === "1") });
export const ActiveFormSchema = z.strictObject({ active: z.enum(["0", "1"], "active must be 0 or 1").transform((v) => v === "1") });

export const SearchQuerySchema = z.strictObject({
  q: z.string().trim().max(200, "search at most 200 characters").default(""),
  status: z.enum(["", "waiting", "open", "resolved"], "unknown status").default(""),
  /** A label's id (src/labels): only conversations carrying it. */
  label: z.string().max(64, "unknown label").default(""),
});

export const IdParamSchema = z.string().min(1).max(64);
