// Applies stored settings to the running node: the content filter and the admin's
// allowed origins. Loaded at start, and on every save made on this node. Across nodes
// (REDIS_URL set) every node simply re-reads the two rows every 30 s: one indexed read
// per node, and nothing is lost if a node missed a pub/sub message. A change therefore
// reaches the other nodes within 30 s.
import type { Logger } from "../lib/logger.js";
import type { ContentFilter, FilterSettings } from "../moderation/content-filter.js";
import type { Origins } from "../widget/origins.js";
import type { SettingsService } from "./settings.service.js";

export const CLUSTER_REFRESH_MS = 30_000;

export function startSettingsSync(d: {
  settings: SettingsService;
  filter: ContentFilter;
  origins: Origins;
  clustered: boolean;
  log: Logger;
  /** Other settings kept by their own modules, re-read with these (business hours). */
  reload?: (() => Promise<unknown>)[];
}) {
  let lastFilter = "";
  // The matcher is rebuilt only when the list really changed (a refresh is every 30 s).
  const applyFilter = (f: FilterSettings) => {
    const key = JSON.stringify(f);
    if (key === lastFilter) return;
    d.filter.update(f);
    lastFilter = key;
  };
  d.settings.onFilterSaved(applyFilter);
  d.settings.onWidgetSaved((w) => d.origins.setAdminOrigins(w.allowedOrigins));

  async function refresh() {
    applyFilter(await d.settings.getContentFilter());
    d.origins.setAdminOrigins((await d.settings.getWidget()).allowedOrigins);
    for (const r of d.reload ?? []) await r();
  }

  const timer = d.clustered
    ? setInterval(() => refresh().catch((err) => d.log.warn("settings refresh failed", { err })), CLUSTER_REFRESH_MS)
    : undefined;
  timer?.unref();

  return {
    refresh,
    close: () => clearInterval(timer),
  };
}
export type SettingsSync = ReturnType<typeof startSettingsSync>;
