// A follow-up email's link lands here as `/#hf-resume=<visitor token>` (GET /chat/resume
// minted it for that visitor): this device adopts the token, so the page opens that
// visitor's conversation with its whole history. The fragment never reaches a server and
// is removed from the address bar at once, so it is not bookmarked or shared by accident.
import { store } from "../runtime/util.js";
import { forgetTranscript } from "../runtime/transcript-cache.js";

const TOKEN_KEY = "holdfast.visitor.token";

/** Adopts a resume token from the URL; `transcriptKey`: the cached transcript, dropped
 *  when the token names someone else than this device's visitor. */
export function adoptResumeLink(transcriptKey: string): boolean {
  const m = /^#hf-resume=([^&]+)$/.exec(location.hash);
  if (!m) return false;
  history.replaceState(null, "", location.pathname + location.search);
  const token = decodeURIComponent(m[1]);
  if (store.get<string>(TOKEN_KEY) !== token) {
    forgetTranscript(transcriptKey);
    store.set(TOKEN_KEY, token);
  }
  return true;
}
