// Business hours on a running node: the stored schedule (the "hours" setting), the
// node's clock (injected, so tests can stand at any instant) and a timer to the next
// change. When the hours open or close, every listener hears it on every node (each node
// runs its own timer), so the queue moves at opening time and no visitor waits for a
// poll. A schedule saved on this node applies at once; other nodes re-read it with the
// other settings (settings/settings.sync.ts calls load()).
import type { Logger } from "../lib/logger.js";
import type { SettingsRepository } from "../settings/settings.repository.js";
import { hoursAt, type HoursState, type Schedule } from "./hours.rules.js";
import { DEFAULT_HOURS, HoursSchema } from "./hours.schemas.js";

export const HOURS_KEY = "hours";
/** setTimeout's ceiling is ~24.8 days; a later change is re-armed from there. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface BusinessHoursDeps {
  repo: Pick<SettingsRepository, "get" | "set">;
  now: () => number;
  log: Logger;
}

export function createBusinessHours(d: BusinessHoursDeps) {
  let schedule: Schedule = DEFAULT_HOURS;
  let lastOpen: boolean | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners: ((open: boolean) => void)[] = [];

  // Every visitor page view asks: the answer holds from when it was computed until its
  // next change, so it is computed once per change, not per request.
  let memo: { at: number; value: HoursState } | null = null;
  function state(): HoursState {
    const t = d.now();
    if (memo && t >= memo.at && (memo.value.nextChangeAt === null || t < memo.value.nextChangeAt)) return memo.value;
    memo = { at: t, value: hoursAt(schedule, t) };
    return memo.value;
  }

  /** Re-evaluates now: tells listeners of a flip, re-arms the timer to the next change. */
  function tick() {
    clearTimeout(timer);
    const s = state();
    if (lastOpen !== null && s.open !== lastOpen) {
      for (const l of listeners) {
        try {
          l(s.open);
        } catch (err) {
          d.log.error("business hours listener failed", { err });
        }
      }
    }
    lastOpen = s.open;
    if (s.nextChangeAt === null) return;
    // A little late rather than early: the rule must already say the new state.
    timer = setTimeout(tick, Math.min(MAX_TIMER_MS, Math.max(0, s.nextChangeAt - d.now()) + 50));
    timer.unref();
  }

  function apply(next: Schedule) {
    schedule = next;
    memo = null;
    tick();
  }

  async function load() {
    const parsed = HoursSchema.safeParse(await d.repo.get(HOURS_KEY));
    apply(parsed.success ? parsed.data : DEFAULT_HOURS);
  }

  return {
    load,
    schedule: () => schedule,
    /** Open now, and when that changes (`nextChangeAt` in this node's clock). */
    state,
    isOpen: () => state().open,
    now: d.now,
    async save(next: Schedule): Promise<Schedule> {
      const value = HoursSchema.parse(next);
      await d.repo.set(HOURS_KEY, value);
      apply(value);
      return value;
    },
    onChange: (l: (open: boolean) => void) => void listeners.push(l),
    close() {
      clearTimeout(timer);
    },
  };
}
export type BusinessHours = ReturnType<typeof createBusinessHours>;
