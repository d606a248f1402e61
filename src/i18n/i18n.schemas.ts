import { z } from "zod";
import { LOCALES } from "./locales.rules.js";

/** POST /account/locale: the switch's form (with `next`, where to go back) or JSON. */
export const LocaleChoiceSchema = z.strictObject({
  locale: z.enum(LOCALES, `locale must be one of ${LOCALES.join(", ")}`),
  next: z.string().max(500).optional(),
});
