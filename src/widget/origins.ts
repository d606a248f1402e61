// Which web origins may embed the widget and open visitor sockets: ALLOWED_ORIGINS from
// the environment, plus the origins the admin lists in the widget settings. One live
// list serves every check (Socket.IO CORS, the visitor handshake, the settings CORS and
// the embed page's frame-ancestors); the settings sync replaces the admin's part.
// Only plain origins are kept: they end up in CORS headers and a CSP header, where a
// value with a `;` or a space would inject directives.
export const ORIGIN_RE = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/** "https://a.test/ " -> "https://a.test": how people write an origin, as browsers send it. */
export const normaliseOrigin = (raw: string) => raw.trim().replace(/\/$/, "");
export const isPlainOrigin = (origin: string) => ORIGIN_RE.test(origin);

/** Normalised, plain, each once. */
export function cleanOrigins(list: readonly string[]): string[] {
  return [...new Set(list.map(normaliseOrigin).filter(isPlainOrigin))];
}

/** Same origin as the host the request was sent to (`Host` header). */
export function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function createOrigins(fromEnv: readonly string[]) {
  const env = cleanOrigins(fromEnv);
  let merged = env;
  return {
    /** The admin's list changed: it adds to ALLOWED_ORIGINS, which always stays allowed. */
    setAdminOrigins(list: readonly string[]) {
      merged = cleanOrigins([...env, ...list]);
    },
    /** Every allowed origin besides this server's own (for frame-ancestors). */
    list: (): readonly string[] => merged,
    /** No Origin (apps, servers) passes; so does a listed one, or this server's own. */
    allowed(origin: string | undefined, host?: string): boolean {
      if (!origin) return true;
      return merged.includes(normaliseOrigin(origin)) || sameHost(origin, host);
    },
  };
}
export type Origins = ReturnType<typeof createOrigins>;
