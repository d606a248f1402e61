// "Is anyone there?" for the visitor page and the widget, before any conversation
// exists: an online, not-away agent (capacity does not matter for the wording). Every
// visitor page asks this on load and then every half minute or so, so each node answers
// from a short memo: one presence read per TTL however many pages poll.
export interface AvailabilitySource {
  availableAgents(): Promise<string[]>;
}

/** `null` when the presence store cannot answer (Redis down): the page then keeps its
 * own judgement instead of claiming either state. */
export type Availability = () => Promise<boolean | null>;

export function memoAvailability(source: AvailabilitySource, ttlMs = 2000, now = Date.now): Availability {
  let cached: { at: number; value: Promise<boolean | null> } | null = null;
  return () => {
    const t = now();
    if (!cached || t - cached.at >= ttlMs) {
      // The promise itself is memoised, so concurrent requests share one read.
      cached = { at: t, value: source.availableAgents().then((ids) => ids.length > 0, () => null) };
    }
    return cached.value;
  };
}
