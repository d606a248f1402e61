// Typed access to the admin-editable settings, with defaults for a fresh install.
// getWidget() runs on every visitor page view, so it is cached briefly; a change made
// on this node is seen at once, one made on another node within WIDGET_TTL_MS. A save
// tells the listeners at once (settings.sync.ts applies it to the running node).
import type { SettingsRepository } from "./settings.repository.js";
import { ContentFilterSchema, WidgetSchema, type WidgetSettings } from "./settings.schemas.js";
import type { FilterSettings } from "../moderation/content-filter.js";

export const WIDGET_KEY = "widget";
export const FILTER_KEY = "contentFilter";
const WIDGET_TTL_MS = 10_000;

export const DEFAULT_WIDGET: WidgetSettings = {
  title: "Chat with us",
  color: "#4f46e5",
  greeting: "Hi there! Ask us anything, we usually reply in a few minutes.",
  offlineMessage: "We are away right now. Leave a message and we will get back to you here.",
  position: "right",
  allowedOrigins: [],
};
export const DEFAULT_FILTER: FilterSettings = { words: [], policy: "mask" };

export function createSettingsService(repo: SettingsRepository) {
  let widgetCache: { value: WidgetSettings; at: number } | null = null;
  const saved = { widget: [] as ((w: WidgetSettings) => void)[], filter: [] as ((f: FilterSettings) => void)[] };

  async function readWidget(): Promise<WidgetSettings> {
    // A stored value from an older version may lack newer fields: defaults fill them.
    const parsed = WidgetSchema.safeParse({ ...DEFAULT_WIDGET, ...(await repo.get<object>(WIDGET_KEY)) });
    return parsed.success ? parsed.data : DEFAULT_WIDGET;
  }

  return {
    async getWidget(): Promise<WidgetSettings> {
      if (widgetCache && Date.now() - widgetCache.at < WIDGET_TTL_MS) return widgetCache.value;
      const value = await readWidget();
      widgetCache = { value, at: Date.now() };
      return value;
    },
    async setWidget(w: WidgetSettings): Promise<WidgetSettings> {
      const value = WidgetSchema.parse(w);
      await repo.set(WIDGET_KEY, value);
      widgetCache = { value, at: Date.now() };
      for (const l of saved.widget) l(value);
      return value;
    },
    async getContentFilter(): Promise<FilterSettings> {
      const parsed = ContentFilterSchema.safeParse(await repo.get(FILTER_KEY));
      return parsed.success ? parsed.data : DEFAULT_FILTER;
    },
    async setContentFilter(f: FilterSettings): Promise<FilterSettings> {
      const value = ContentFilterSchema.parse(f);
      await repo.set(FILTER_KEY, value);
      for (const l of saved.filter) l(value);
      return value;
    },
    onWidgetSaved: (l: (w: WidgetSettings) => void) => void saved.widget.push(l),
    onFilterSaved: (l: (f: FilterSettings) => void) => void saved.filter.push(l),
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
