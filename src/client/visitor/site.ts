// What the site around the chat tells it: where the visitor is (the chat page's own URL,
// or the widget's host page as the visitor moves through it) and who they are (verified
// identity). Wired here so the page's main module stays about the chat.
import type { Runtime } from "../runtime/runtime.js";
import { browserContext, clean, ContextReporter } from "./context.js";
import type { ParentBridge } from "./embed.js";
import { applyIdentity, identityGate, profileOf, readIdentity, resetIdentity, type Identity, type Switch } from "./identify.js";
import type { Profile, VisitorSession } from "./session.js";

export interface Site {
  reporter: ContextReporter;
  /** Resolves when the page may create or use its session (identity/identify.ts). */
  gate: Promise<void>;
  /** The identity's part of a new session's profile. */
  profile(): Profile;
  /** Whether the site gave the visitor's name or email (no pre-chat form then). */
  named(): boolean;
}

export function wireSite(d: {
  embed: boolean; bridge: ParentBridge; session: VisitorSession; rt: Runtime; onIdentity(): void;
  /** The page's localStorage prefix, and how it starts its session. */
  storage: string; begin(profile: Profile): void;
}): Site {
  const sw: Switch = {
    begin: d.begin,
    stop: () => d.rt.stop(),
    keys: { transcript: `${d.storage}.transcript`, outbox: `${d.storage}.outbox`, read: `${d.storage}.read` },
  };
  // Embedded, the iframe's own URL and referrer say nothing: the widget tells the host's.
  const own = d.embed ? {} : clean({ page: location.href, title: document.title, referrer: document.referrer });
  const reporter = new ContextReporter(d.rt, { ...own, ...browserContext() });
  const gate = identityGate(d.embed);
  let identity: Identity | null = null;
  // One at a time: a second identify waits for the first to settle.
  let chain = Promise.resolve();
  d.bridge.handlers = {
    context: (c) => reporter.update(clean(c)),
    identify: (raw) => {
      const id = readIdentity(raw);
      if (!id) return console.warn("[holdfast] identify: userId (1-128 characters) and userHash are required");
      identity = id;
      d.onIdentity();
      chain = chain.then(() => applyIdentity(d.session, id, sw)).catch(() => {}).finally(gate.release);
    },
    reset: () => {
      identity = null;
      resetIdentity(d.session, sw);
    },
  };
  return {
    reporter,
    gate: gate.wait,
    profile: () => (identity ? profileOf(identity) : {}),
    named: () => !!(identity?.name || identity?.email),
  };
}
