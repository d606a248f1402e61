// The selected conversation lives in the URL (/agent?c=<id>): a reload opens it again,
// back and forward move between the conversations opened, and the address can be given
// to a colleague. Selecting pushes a history entry; going back selects what it names.
import type { ConsoleState } from "./state.js";

const PARAM = "c";
const named = (): string | null => new URL(location.href).searchParams.get(PARAM);

export function mountLocation(state: ConsoleState): void {
  let restoring = false;
  state.on("select", (id) => {
    if (restoring) return; // the URL already says so
    const url = new URL(location.href);
    if (id) url.searchParams.set(PARAM, id);
    else url.searchParams.delete(PARAM);
    if (url.href !== location.href) history.pushState(null, "", url);
  });
  const restore = () => {
    restoring = true;
    try {
      state.select(named());
    } finally {
      restoring = false;
    }
  };
  window.addEventListener("popstate", restore);
  restore();
}
