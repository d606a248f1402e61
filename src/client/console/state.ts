// What the console shows, derived from the runtime's timeline (conversation info and
// messages) plus what only the console needs: the open list and conversation, unread
// counts, the team (for transfer and load) and this agent's status.
import type { Conversation, Presence } from "../../events.js";
import { Emitter } from "../runtime/util.js";
import { getJson } from "./api.js";
import type { ConsoleRuntime } from "./console-runtime.js";

/** "snoozed" is the console's own view (issue 11): mine (an admin: all) while snoozed;
 *  the server lists them with "mine" and "all", and the other views leave them out. */
export type Scope = "mine" | "waiting" | "all" | "snoozed";
export interface Me {
  id: string;
  name: string;
  email: string;
  role: "admin" | "agent";
  maxConcurrent: number;
}
export interface TeamAgent {
  id: string;
  name: string;
  role: string;
  presence: Presence;
  status: "online" | "away";
  load: number;
  maxConcurrent: number;
}
interface StateEvents {
  change: null;
  select: string | null;
  team: TeamAgent[];
}
type Listed = Conversation & { unread: number };
const PREVIEW_AT_ONCE = 20;

export class ConsoleState extends Emitter<StateEvents> {
  scope: Scope = "mine";
  /** The lists show only conversations carrying this label (issue 13); null: all. */
  labelFilter: string | null = null;
  selected: string | null = null;
  team: TeamAgent[] = [];
  /** The agent side's read position as the server had it when the list was loaded. */
  private serverRead = new Map<string, number>();
  /** Waiting conversations that a refresh no longer lists (taken by someone else). */
  private gone = new Set<string>();

  constructor(
    readonly rt: ConsoleRuntime,
    readonly me: Me,
  ) {
    super();
    rt.on("conversation", (c) => {
      this.gone.delete(c.id);
      if (c.status === "waiting") this.preview([c]);
    });
    rt.on("change", () => this.emit("change", null));
  }

  info(id: string): Conversation | undefined {
    return this.rt.timeline.get(id)?.info;
  }

  isMine(c: Conversation): boolean {
    return c.status === "open" && c.agent?.id === this.me.id;
  }

  conversations(scope: Scope): Conversation[] {
    const all = this.rt.timeline.all().map((l) => l.info).filter((c): c is Conversation =>
      !!c && !this.gone.has(c.id) && (!this.labelFilter || !!c.labels?.some((l) => l.id === this.labelFilter)));
    if (scope === "waiting") return all.filter((c) => c.status === "waiting");
    const list = all.filter((c) =>
      scope === "snoozed" ? !!c.snooze && c.status === "open" && (this.isMine(c) || this.me.role === "admin")
      : !c.snooze && (scope === "mine" ? this.isMine(c) : c.status !== "resolved"));
    return list.sort((a, b) => this.activity(b) - this.activity(a));
  }

  activity(c: Conversation): number {
    const last = this.rt.timeline.get(c.id)?.messages().slice(-1)[0];
    return Math.max(Date.parse(c.updatedAt), last ? Date.parse(last.createdAt) : 0);
  }

  /** Visitor messages not yet read by this agent (other agents' and system lines do not count). */
  unread(id: string): number {
    const log = this.rt.timeline.get(id);
    if (!log) return 0;
    const readUpTo = Math.max(this.rt.readPosition(id), this.serverRead.get(id) ?? 0);
    let n = 0;
    for (const m of log.messages()) if (m.seq > readUpTo && m.sender.type === "visitor") n++;
    // Known to exist but not loaded yet (a waiting conversation nobody opened).
    return n + Math.max(0, (log.info?.lastSeq ?? 0) - Math.max(log.maxSeq, readUpTo));
  }

  /** Looked at without a receipt (a waiting conversation that is not this agent's): the
   * badge goes, and the visitor is told nothing, since nobody has taken it yet. */
  seen(id: string): void {
    const max = this.rt.timeline.get(id)?.maxSeq ?? 0;
    if (max <= (this.serverRead.get(id) ?? 0)) return;
    this.serverRead.set(id, max);
    this.emit("change", null);
  }

  select(id: string | null): void {
    if (id === this.selected) return;
    this.selected = id;
    this.emit("select", id);
    this.emit("change", null);
  }

  setLabelFilter(labelId: string | null): void {
    this.labelFilter = labelId;
    this.emit("change", null);
  }

  setScope(scope: Scope): void {
    this.scope = scope;
    this.emit("change", null);
  }

  async refreshLists(): Promise<void> {
    const scopes: Scope[] = this.me.role === "admin" ? ["mine", "waiting", "all"] : ["mine", "waiting"];
    await Promise.all(
      scopes.map(async (scope) => {
        const { conversations } = await getJson<{ conversations: Listed[] }>(`/api/console/conversations?scope=${scope}`);
        const listed = new Set(conversations.map((c) => c.id));
        for (const { unread, ...c } of conversations) {
          this.serverRead.set(c.id, Math.max(this.serverRead.get(c.id) ?? 0, c.lastSeq - unread));
          this.rt.upsertConversation(c);
        }
        if (scope === "waiting") {
          for (const c of this.conversations("waiting")) if (!listed.has(c.id)) this.gone.add(c.id);
        }
      }),
    );
    this.emit("change", null);
    this.preview(this.conversations("waiting"));
  }

  /** The queue shows what each visitor asked, not just "waiting": the latest lines of
   * waiting conversations nothing is held of yet (a few at a time; each once). */
  private preview(list: Conversation[]): void {
    const unseen = list.filter((c) => !this.rt.timeline.get(c.id)?.size);
    for (const c of unseen.slice(0, PREVIEW_AT_ONCE)) void this.rt.open(c.id);
  }

  async refreshTeam(): Promise<void> {
    this.team = (await getJson<{ agents: TeamAgent[] }>("/api/agents")).agents;
    this.emit("team", this.team);
  }

  myself(): TeamAgent | undefined {
    return this.team.find((a) => a.id === this.me.id);
  }
}
