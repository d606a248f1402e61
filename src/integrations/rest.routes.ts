// The REST API of PROTOCOL.md section 6 (and its additive claim, transfer, resolve): the
// sockets' use cases over HTTP, for integrations (API keys) and agents' bearer tokens.
// Each route validates with rest.schemas.ts, calls the very service the socket handler
// calls (so a POSTed message takes the write path of `message:send`: stored before the
// answer, the same seq and clientMsgId idempotency, then the same fan-out), and answers
// with the sockets' shapes. Errors are the contract's `{ error: { code, message } }`.
import { Router, type Request } from "express";
import { actsOnAll, type Actor } from "../accounts/actor.js";
import type { AccountsService } from "../accounts/accounts.service.js";
import type { AssignmentService } from "../assignment/assignment.service.js";
import type { ConversationViews } from "../conversations/conversation.views.js";
import type { ConversationsService } from "../conversations/conversations.service.js";
import { AppError } from "../lib/errors.js";
import { parseBody } from "../lib/http.js";
import type { Limiters } from "../limits/limiter.js";
import { EVENT_BUDGETS, type EventKind } from "../limits/limits.rules.js";
import type { LabelsService } from "../labels/labels.service.js";
import type { ApiKeysService } from "./apikeys.service.js";
import type { ConversationListRepository } from "./conversation-list.repository.js";
import { decodeCursor } from "./conversation-list.rules.js";
import { restAuth } from "./rest-auth.js";
import { ConversationListQuery, ConversationParams, EmptyBody, LabelsBody, MessagesQuery, PostMessageBody, TransferBody } from "./rest.schemas.js";

export interface RestDeps {
  accounts: Pick<AccountsService, "agentFromToken">;
  apiKeys: Pick<ApiKeysService, "actorFromKey">;
  conversations: Pick<ConversationsService, "send" | "afterSend" | "sync">;
  assignment: Pick<AssignmentService, "claim" | "transfer" | "resolve">;
  list: ConversationListRepository;
  views: Pick<ConversationViews, "views">;
  limiters: Pick<Limiters, "participant">;
  labels: Pick<LabelsService, "list" | "setLabels">;
}

export function restRoutes(d: RestDeps) {
  const r = Router();
  r.use("/api/conversations", restAuth(d));

  // Each caller's budget per kind of call, as an agent's on its socket (limits.rules.ts).
  const budgets = new Map<EventKind, ReturnType<Limiters["participant"]>>();
  async function spend(actor: Actor, kind: EventKind) {
    let b = budgets.get(kind);
    if (!b) budgets.set(kind, (b = d.limiters.participant(`rest:${kind}`, EVENT_BUDGETS.agent[kind])));
    const wait = await b.wait(actor.id);
    if (wait > 0) throw new AppError("RATE_LIMITED", "too many requests, slow down", undefined, wait);
    return actor;
  }
  const id = (req: Request) => parseBody(ConversationParams, req.params).id;
  /** The query without its empty parameters: the contract writes `?status=&after=&limit=`,
   *  so a client filling that template leaves some empty, which means "not given". */
  const query = (req: Request) => Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ""));

  r.get("/api/conversations", async (req, res) => {
    const actor = await spend(req.actor!, "sync");
    const q = parseBody(ConversationListQuery, query(req));
    const { rows, next } = await d.list.page({
      status: q.status,
      label: q.label,
      agentScope: actsOnAll(actor) ? undefined : actor.id,
      after: q.after ? decodeCursor(q.after) : undefined,
      limit: q.limit ?? 50,
    });
    res.json({ conversations: await d.views.views(rows), hasMore: next !== null, next });
  });

  // The labels an admin defined (to filter by, or to set), before /:id routes take "labels".
  r.get("/api/conversations/labels", async (req, res) => {
    await spend(req.actor!, "sync");
    parseBody(EmptyBody, query(req));
    res.json({ labels: (await d.labels.list()).map(({ id, name, colour }) => ({ id, name, colour })) });
  });

  // The conversation's labels become exactly `labelIds` (the console's conversation:labels).
  r.put("/api/conversations/:id/labels", async (req, res) => {
    const actor = await spend(req.actor!, "action");
    const conversationId = id(req);
    res.json(await d.labels.setLabels(actor, conversationId, parseBody(LabelsBody, req.body).labelIds));
  });

  r.get("/api/conversations/:id/messages", async (req, res) => {
    const actor = await spend(req.actor!, "sync");
    const conversationId = id(req);
    const q = parseBody(MessagesQuery, query(req));
    const { messages, lastSeq, hasMore } = await d.conversations.sync(actor, { conversationId, afterSeq: q.afterSeq ?? 0, limit: q.limit });
    res.json({ messages, lastSeq, hasMore });
  });

  r.post("/api/conversations/:id/messages", async (req, res) => {
    const actor = await spend(req.actor!, "send");
    const conversationId = id(req);
    const body = parseBody(PostMessageBody, req.body);
    const out = await d.conversations.send(actor, { conversationId, ...body });
    res.status(201).json(out);
    // After the answer, as after the socket's ack: the fan-out (and nothing for a duplicate).
    setImmediate(() => void d.conversations.afterSend(out.message, out.duplicate, null));
  });

  const action = (path: string, run: (actor: Actor, conversationId: string, req: Request) => Promise<unknown>) =>
    r.post(`/api/conversations/:id/${path}`, async (req, res) => {
      const actor = await spend(req.actor!, "action");
      const conversationId = id(req);
      res.json({ conversation: await run(actor, conversationId, req) });
    });
  action("claim", (actor, cid, req) => (parseBody(EmptyBody, req.body), d.assignment.claim(actor, cid)));
  action("transfer", (actor, cid, req) => d.assignment.transfer(actor, cid, parseBody(TransferBody, req.body).toAgentId));
  action("resolve", (actor, cid, req) => (parseBody(EmptyBody, req.body), d.assignment.resolve(actor, cid)));

  return r;
}
