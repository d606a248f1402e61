// Applies stored settings to the running node: the content filter (Deps.filter) and the
// widget's extra allowed origins. Loaded at start and after every admin change on this
// node. Across nodes (REDIS_URL set) every node simply re-reads the two rows every
// 30 s: one indexed read per node, and nothing is lost if a node missed a pub/sub
// message. A change therefore reaches the other nodes within 30 s.
import type { Logger } from "../lib/logger.js";
import type { ContentFilter } from "../moderation/content-filter.js";
import type { SettingsService } from "./settings.service.js";

export const CLUSTER_REFRESH_MS = 30_000;

export function startSettingsSync(d: {
  settings: SettingsService;
  filter: ContentFilter;
  /** The live array that the socket CORS and origin checks read (config.allowedOrigins). */
  allowedOrigins: string[];
  clustered: boolean;
  log: Logger;
}) {
  // ALLOWED_ORIGINS from the environment always stays allowed; the admin's list adds to it.
  const fromEnv = [...d.allowedOrigins];
  let lastFilter = "";

  async function refresh() {
    const filter = await d.settings.getContentFilter();
    const key = JSON.stringify(filter);
    if (key !== lastFilter) {
      d.filter.update(filter);
      lastFilter = key;
    }
    const widget = await d.settings.getWidget();
    const merged = [...new Set([...fromEnv, ...widget.allowedOrigins])];
    // In place: the Socket.IO CORS callback and the visitor handshake hold this array.
    d.allowedOrigins.splice(0, d.allowedOrigins.length, ...merged);
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
