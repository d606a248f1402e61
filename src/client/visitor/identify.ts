// Verified identity in the chat page (PROTOCOL.md section 2): the widget passes on what
// the host site said (data-user-id/-hash on its tag, or Holdfast.identify) and this page
// makes the session that user's, so every device shows the same history. The token of
// another user, or of the guest this browser was before signing in on the site, is
// replaced only once the server accepted the new identity; the page then reloads, so that
// nothing of the previous visitor stays on screen. Holdfast.reset() makes it a guest again.
import { forgetTranscript } from "../runtime/transcript-cache.js";
import { store } from "../runtime/util.js";
import type { Profile, VisitorSession } from "./session.js";

export interface Identity {
  userId: string;
  userHash: string;
  name?: string;
  email?: string;
}

/** How long a page told that an identity is coming (`?identify=1`) waits for it. */
const WAIT_MS = 3000;

const str = (v: unknown, max: number) => (typeof v === "string" && v.trim() ? v.slice(0, max) : undefined);

export function readIdentity(raw: Record<string, unknown>): Identity | null {
  const userId = typeof raw.userId === "string" && raw.userId.length >= 1 && raw.userId.length <= 128 ? raw.userId : null;
  const userHash = str(raw.userHash, 256);
  if (!userId || !userHash) return null;
  return { userId, userHash, name: str(raw.name, 100), email: str(raw.email, 200) };
}

export const profileOf = (id: Identity): Profile => ({ userId: id.userId, userHash: id.userHash, name: id.name, email: id.email });

/** Resolves when the page may connect: at once, or when the identity the widget announced
 *  arrived (at most WAIT_MS later), so a returning device never shows the wrong visitor. */
export function identityGate(embed: boolean): { wait: Promise<void>; release(): void } {
  let release = () => {};
  const announced = embed && new URLSearchParams(location.search).get("identify") === "1";
  const wait = announced ? new Promise<void>((r) => ((release = r), setTimeout(r, WAIT_MS))) : Promise.resolve();
  return { wait, release: () => release() };
}

export interface Switch {
  /** Start the session now (a device without one: its history shows at once). */
  begin(profile: Profile): void;
  /** Stop the runtime before the stored state changes under it. */
  stop(): void;
  /** localStorage keys of what belonged to the previous visitor. */
  keys: { transcript: string; outbox: string; read: string };
}

/** Makes the session the identity's; returns once done or refused (refused: stays as is). */
export async function applyIdentity(session: VisitorSession, id: Identity, sw: Switch): Promise<void> {
  if (session.token && !session.creating && session.user === id.userId) return; // already that user
  if (!session.token && !session.creating) return sw.begin(profileOf(id));
  const before = session.user;
  if (!(await session.switchTo(profileOf(id)))) {
    console.warn("[holdfast] identify: the server refused userId/userHash; the chat stays as it was");
    return;
  }
  // A guest who signed in keeps what they typed; another user's unsent words are not ours.
  restart(sw, before !== null);
}

/** Holdfast.reset(): the site's user signed out; this browser is a new guest. */
export function resetIdentity(session: VisitorSession, sw: Switch): void {
  if (!session.token && !session.creating) return;
  session.forget();
  restart(sw, true);
}

function restart(sw: Switch, dropOutbox: boolean): void {
  sw.stop();
  forgetTranscript(sw.keys.transcript);
  store.remove(sw.keys.read);
  if (dropOutbox) store.remove(sw.keys.outbox);
  location.reload();
}

/** A transcript cached for another visitor than the stored token's (a switch whose page
 *  saved it once more while unloading) is not shown; with no token at all (after
 *  Holdfast.reset()) no cached transcript belongs to this browser's visitor. */
export function dropForeignTranscript(key: string, token: string | null): void {
  const owner = token?.split(".")[1]; // "v.<visitorId>.<expiry>.<mac>"
  const saved = store.get<{ me?: { id?: string } | null }>(key);
  if (!saved) return;
  if (!owner || (saved.me?.id && saved.me.id !== owner)) forgetTranscript(key);
}
