// The shapes an admin sends (PROTOCOL.md section 6): `POST /api/webhooks` and the admin
// page's form. Any http(s) URL, private and loopback addresses included (the contract
// trusts the admin with it); events default to all of them.
import { z } from "zod";
import { EVENT_TYPES } from "./webhooks.rules.js";

const url = z.string().trim().max(2000).refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && !!u.hostname;
  } catch {
    return false;
  }
}, "an http(s) URL like https://crm.example.com/holdfast");
const secret = z.string().min(1, "a secret is required").max(500);
const events = z.array(z.enum(EVENT_TYPES)).min(1, "at least one event").transform((l) => [...new Set(l)]);

export const CreateWebhookSchema = z.object({ url, secret, events: events.optional() }).transform((w) => ({
  url: w.url, secret: w.secret, events: w.events ?? [...EVENT_TYPES],
}));
export type CreateWebhook = z.output<typeof CreateWebhookSchema>;

/** The admin form: checkboxes send one value or several (or none: every event). */
export const WebhookFormSchema = z.object({
  url, secret,
  events: z.union([z.enum(EVENT_TYPES), z.array(z.enum(EVENT_TYPES))]).optional(),
}).transform((f) => ({
  url: f.url, secret: f.secret,
  events: f.events === undefined ? [...EVENT_TYPES] : [...new Set([f.events].flat())],
}));

export const WebhookIdSchema = z.string().uuid();
