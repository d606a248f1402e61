// Which pages may open an /agent socket with the console's session cookie: the console's
// own origin (the host the request was sent to) or PUBLIC_URL's, when a proxy in front
// rewrites Host. No Origin at all is a client that is not a browser page (or a
// same-origin polling GET, which browsers send without one): nothing ambient to abuse.
import { normaliseOrigin, sameHost } from "../widget/origins.js";

export function createConsoleOrigin(publicUrl: string | undefined) {
  const own = publicUrl ? new URL(publicUrl).origin : null;
  return {
    allowed(origin: string | undefined, host?: string): boolean {
      if (!origin) return true;
      return normaliseOrigin(origin) === own || sameHost(origin, host);
    },
  };
}
