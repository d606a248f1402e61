// The admin pages' small script (public/build/admin.js): confirmations on destructive
// forms, the embed snippet's Copy button, the widget preview, and the live
// connection-health dashboard. The pages work without it; this only adds comfort and
// liveness. All text goes in through textContent, styles through CSSOM (strict CSP).
import { el } from "../ui/dom.js";

for (const form of document.querySelectorAll<HTMLFormElement>("form[data-confirm]")) {
  form.addEventListener("submit", (e) => {
    if (!confirm(form.dataset.confirm ?? "Are you sure?")) e.preventDefault();
  });
}

for (const btn of document.querySelectorAll<HTMLButtonElement>("[data-copy]")) {
  btn.addEventListener("click", async () => {
    const text = document.getElementById(btn.dataset.copy ?? "")?.textContent ?? "";
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API needs a secure context; plain-http installs select the text instead.
      const range = document.createRange();
      range.selectNodeContents(document.getElementById(btn.dataset.copy ?? "")!);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      document.execCommand("copy");
    }
    // The onboarding checklist's "copy the snippet" item is ticked from this record.
    const csrf = document.querySelector<HTMLInputElement>("input[name=_csrf]")?.value ?? "";
    void fetch("/admin/onboarding/snippet-copied", { method: "POST", headers: { "X-CSRF-Token": csrf } }).catch(() => undefined);
    const done = btn.parentElement?.querySelector<HTMLElement>("[data-copied]");
    if (done) {
      done.hidden = false;
      setTimeout(() => (done.hidden = true), 2000);
    }
  });
}

const preview = document.getElementById("preview");
if (preview) {
  const setColor = (c: string) => preview.style.setProperty("--accent", c);
  setColor(preview.dataset.color ?? "#4f46e5");
  for (const input of document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("[data-preview]")) {
    const key = input.dataset.preview!;
    const apply = () => {
      if (key === "color") return setColor(input.value);
      const out = preview.querySelector(`[data-preview-out="${key}"]`);
      if (out) out.textContent = input.value;
    };
    input.addEventListener("input", apply);
    apply();
  }
}

// ---- connection-health dashboard ----
type Json = Record<string, unknown>;
const get = (obj: unknown, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o as Json | null)?.[k], obj);

function sizeBars(root: ParentNode): void {
  for (const group of root.querySelectorAll<HTMLElement>("[data-bars]")) {
    const fills = [...group.querySelectorAll<HTMLElement>(".bar__fill")];
    const max = Math.max(1, ...fills.map((f) => Number(f.dataset.n) || 0));
    for (const f of fills) f.style.setProperty("--w", `${((Number(f.dataset.n) || 0) / max) * 100}%`);
  }
}

const health = document.getElementById("health");
if (health) {
  sizeBars(health);
  const update = (s: Json) => {
    for (const node of health.querySelectorAll<HTMLElement>("[data-h]")) {
      const v = get(s, node.dataset.h!);
      node.textContent = node.dataset.h === "at" ? `${String(v).slice(11, 19)} UTC` : v == null ? "—" : String(v);
    }
    for (const group of health.querySelectorAll<HTMLElement>("[data-bars]")) {
      const data = get(s, group.dataset.bars!);
      const values = Array.isArray(data) ? data.map((b) => (b as { count: number }).count) : ["online", "unstable", "offline"].map((k) => (data as Json)[k]);
      group.querySelectorAll<HTMLElement>(".bar").forEach((bar, i) => {
        const n = Number(values[i]) || 0;
        bar.querySelector<HTMLElement>(".bar__fill")!.dataset.n = String(n);
        bar.querySelector(".bar__n")!.textContent = String(n);
      });
    }
    sizeBars(health);
    const rows = (s.unstable as Json[]).map((u) =>
      el("tr", {},
        el("td", { text: String(u.name) }),
        el("td", { text: String(u.presence) }),
        el("td", { class: "num", text: u.rttMs == null ? "—" : String(u.rttMs) }),
        el("td", { class: "num", text: String(u.recentReconnects) }),
        el("td", { text: u.transport ? String(u.transport) : "—" }),
        el("td", { class: "num", text: String(u.devices) }),
        el("td", {}, u.conversationId ? el("a", { href: `/admin/conversations/${encodeURIComponent(String(u.conversationId))}`, text: health.dataset.openWord ?? "open" }) : "—"),
      ),
    );
    document.getElementById("unstable")!.replaceChildren(...rows);
    document.getElementById("unstable-empty")!.hidden = rows.length > 0;
  };
  const poll = async () => {
    if (document.visibilityState !== "visible") return;
    try {
      const res = await fetch(health.dataset.endpoint!, { credentials: "same-origin", headers: { accept: "application/json" } });
      if (res.status === 401) return location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
      if (res.ok) update(await res.json());
    } catch {
      /* next tick */
    }
  };
  setInterval(poll, 5000);
  document.addEventListener("visibilitychange", () => void poll());
}
