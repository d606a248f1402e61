// GET /api/console/search's query string (strict: unknown keys are refused with VALIDATION).
import { z } from "zod";

export const SEARCH_MAX_CHARS = 200;

export const SearchQuerySchema = z.strictObject({
  q: z.string().max(SEARCH_MAX_CHARS).refine((q) => q.trim().length > 0, "q: empty"),
});
