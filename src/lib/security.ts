// Security headers for every response (helmet). The CSP is strict: scripts and styles
// only from this origin, none inline, so the pages keep all JS in /build bundles and
// all CSS in /css files. Routes with other needs (the embeddable visitor page) set
// their own Content-Security-Policy after this.
import helmet from "helmet";
import type { Config } from "../config.js";

export function securityHeaders(config: Pick<Config, "production">) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:", "blob:"],
        mediaSrc: ["'self'", "blob:"],
        // 'self' covers the same-origin WebSocket (ws:/wss:) of Socket.IO.
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
        // Only where TLS is certain; on plain http it would break every subresource.
        ...(config.production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS on a plain-http development server would pin browsers to https for a year.
    strictTransportSecurity: config.production,
    referrerPolicy: { policy: "same-origin" },
  });
}
