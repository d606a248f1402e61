// Structured logging through pino: one JSON line per event on stdout (what log collectors
// expect), levels from LOG_LEVEL (`silent` too), and no secret in any line.
//
// Call sites keep one shape: `log.info("what happened", { context })`. Errors anywhere in
// the context come out as { type, message, stack, ... }.
//
// Redaction, in two layers:
// - before pino: the context is copied with the value of every key that names a secret
//   (password, token, secret, cookie, authorization, api key, session id, ...) replaced by
//   "[Redacted]", at any depth, Errors included; credentials in strings (the user:pass@ of
//   a postgres://, redis:// or smtp:// URL, a "Bearer xyz") are cut out as well;
// - in pino: `redact` paths for the same names at the top level and one level down, a
//   second guard on the serialised line.
// The one exception: REVEALS below.
import { pino, stdSerializers, type DestinationStream, type Level } from "pino";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface Logger {
  debug(msg: string, extra?: object): void;
  info(msg: string, extra?: object): void;
  warn(msg: string, extra?: object): void;
  error(msg: string, extra?: object): void;
}

const REDACTED = "[Redacted]";
/** Keys whose values never reach a line, at any depth. */
const SECRET_KEY =
  /passw(or)?d|passphrase|^pwd$|secret|token|cookie|authori[sz]ation|api[-_]?key|credential|private[-_]?key|^sid$|session[-_]?id/i;
// In strings: userinfo of a URL (scheme://user:pass@host) and bearer credentials.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]+@/gi;
const BEARER = /\b(Bearer\s+)[^\s"',;]+/gi;
const MAX_DEPTH = 8;

const REDACT_NAMES = ["password", "token", "secret", "sessionSecret", "cookie", "authorization", "apiKey"];
const REDACT_PATHS = [
  ...REDACT_NAMES,
  ...REDACT_NAMES.map((n) => `*.${n}`),
  "headers.cookie", "headers.authorization", "*.headers.cookie", "*.headers.authorization",
  'headers["set-cookie"]', '*.headers["set-cookie"]',
];

// THE EXCEPTION. The line that hands a newcomer the admin password generated on first start
// (accounts.service.ts, ensureAdmin: there is no other way to learn it, and it is printed
// once) must show that password. Those messages, and only the key named here, bypass the
// redaction; every other key of the line is still redacted. Keyed by the exact message, so
// a reworded line is redacted (fails safe), and test/health/logger.test.ts, which goes
// through the real ensureAdmin, catches it.
const REVEALS = new Map<string, string>([["admin agent created with a generated password", "password"]]);

function scrubString(s: string): string {
  if (s.includes("://")) s = s.replace(URL_CREDENTIALS, `$1:${REDACTED}@`);
  if (/bearer/i.test(s)) s = s.replace(BEARER, `$1${REDACTED}`);
  return s;
}

/** A copy of `v` with every secret replaced (see the top of this file). */
export function redactSecrets(v: unknown, depth = 0, path: object[] = []): unknown {
  if (typeof v === "string") return scrubString(v);
  if (v === null || typeof v !== "object") return v;
  if (path.includes(v)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Object]";
  path.push(v);
  try {
    let o: unknown = v;
    if (o instanceof Error) o = stdSerializers.err(o);
    else if (typeof (o as { toJSON?: unknown }).toJSON === "function") {
      o = (o as { toJSON(): unknown }).toJSON();
      if (o === null || typeof o !== "object") return redactSecrets(o, depth + 1, path);
    }
    if (Array.isArray(o)) return o.map((x) => redactSecrets(x, depth + 1, path));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o as object)) out[k] = SECRET_KEY.test(k) ? REDACTED : redactSecrets(x, depth + 1, path);
    return out;
  } finally {
    path.pop();
  }
}

/** `destination`: where the lines go (tests capture them); stdout by default, written
 *  synchronously so that nothing is lost on exit or a crash. */
export function createLogger(level: LogLevel = "info", destination?: DestinationStream): Logger {
  // Unredacted root: written to only for REVEALS. Everything else goes through `app`.
  const root = pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are serialised by redactSecrets (at any depth) before they get here.
      serializers: { err: (e: unknown) => e },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const app = root.child({}, { redact: { paths: REDACT_PATHS, censor: REDACTED } });

  const write = (lvl: Level) => (msg: string, extra?: object) => {
    if (!app.isLevelEnabled(lvl)) return; // nothing is copied for a line that is off
    const reveal = REVEALS.get(msg);
    if (reveal !== undefined && extra && reveal in extra) {
      const ctx = redactSecrets({ ...extra, [reveal]: undefined }) as Record<string, unknown>;
      root[lvl]({ ...ctx, [reveal]: (extra as Record<string, unknown>)[reveal] }, msg);
      return;
    }
    if (extra) app[lvl](redactSecrets(extra) as object, msg);
    else app[lvl](msg);
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
