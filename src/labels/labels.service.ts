// Labels on conversations (issue 13): admins manage the list, the agents who may read a
// conversation set its labels, and every console that shows it hears of the change (the
// `conversation` event, which carries the labels). The socket handler and the admin page
// call this; so may an HTTP API later: every method takes the acting Actor.
import type { Actor } from "../accounts/actor.js";
import type { ConversationViews } from "../conversations/conversation.views.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import type { Conversation, Label } from "../events.js";
import { forbidden, notFound, validation } from "../lib/errors.js";
import type { LabelsRepository } from "./labels.repository.js";
import { mayLabel, tooMany, unique, withLabel, withoutLabel } from "./labels.rules.js";

export interface LabelInput {
  name: string;
  colour: string;
}
export interface Labelled {
  labels: Label[];
  conversation: Conversation;
}

export function createLabelsService(d: {
  repo: LabelsRepository;
  conversations: Pick<ConversationsRepository, "byId">;
  views: Pick<ConversationViews, "view">;
  /** To the agents who see the conversation (realtime.conversationChanged). */
  announce: (c: Conversation) => void;
}) {
  const adminOnly = (actor: Actor) => {
    if (actor.type !== "agent" || actor.role !== "admin") throw forbidden("admins only");
  };

  async function change(actor: Actor, conversationId: string, plan: (current: string[]) => string[]): Promise<Labelled> {
    const row = await d.conversations.byId(conversationId);
    if (!row) throw notFound("conversation not found");
    if (!mayLabel(actor, row)) throw forbidden("not your conversation");
    // added_by names an agent; an integration (API key) has no agent row.
    const by = actor.role === "integration" ? null : actor.id;
    const { unknown } = await d.repo.change(conversationId, by, (current) => {
      const wanted = unique(plan(current));
      const refused = tooMany(wanted);
      if (refused) throw validation(refused);
      return wanted;
    });
    if (unknown.length) throw validation(`unknown label: ${unknown[0]}`);
    const conversation = await d.views.view((await d.conversations.byId(conversationId))!);
    d.announce(conversation);
    return { labels: conversation.labels ?? [], conversation };
  }

  return {
    /** Every label, by name, with how many conversations carry it (agents read it too). */
    list: () => d.repo.list(),
    async create(actor: Actor, l: LabelInput): Promise<Label> {
      adminOnly(actor);
      return d.repo.create(l);
    },
    /** Rename or recolour; conversations carry the label by id, so they follow. */
    async update(actor: Actor, id: string, l: LabelInput): Promise<Label> {
      adminOnly(actor);
      return d.repo.update(id, l);
    },
    async remove(actor: Actor, id: string): Promise<void> {
      adminOnly(actor);
      await d.repo.remove(id);
    },

    /** The conversation's labels become exactly `labelIds`. */
    setLabels: (actor: Actor, conversationId: string, labelIds: string[]) => change(actor, conversationId, () => labelIds),
    addLabel: (actor: Actor, conversationId: string, labelId: string) => change(actor, conversationId, (cur) => withLabel(cur, labelId)),
    removeLabel: (actor: Actor, conversationId: string, labelId: string) => change(actor, conversationId, (cur) => withoutLabel(cur, labelId)),
  };
}
export type LabelsService = ReturnType<typeof createLabelsService>;
