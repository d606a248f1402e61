// Gives every rendered page `t`, `locale` and the switch's choices. Read lazily: the
// agent is known only after the route's own auth middleware, which runs after this one,
// so both are getters evaluated when the view renders (res.render copies res.locals then).
import type { RequestHandler } from "express";
import { LOCALE_NAMES, LOCALES, resolveLocale } from "./locales.rules.js";
import { clientMessages, translator } from "./translate.rules.js";

export function i18nLocals(): RequestHandler {
  return (req, res, next) => {
    const locale = () => resolveLocale(req.agent?.locale, req.headers["accept-language"]);
    Object.defineProperties(res.locals, {
      locale: { get: locale, enumerable: true, configurable: true },
      t: { get: () => translator(locale()), enumerable: true, configurable: true },
      clientMessages: { get: () => clientMessages(locale()), enumerable: true, configurable: true },
      locales: { value: LOCALES.map((code) => ({ code, name: LOCALE_NAMES[code] })), enumerable: true, configurable: true },
    });
    next();
  };
}
