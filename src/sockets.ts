// Wires the two Socket.IO namespaces: handshake auth, rooms, presence tracking, the
// `ready` event, and every feature's handlers. Rooms: visitor:<id>, agent:<id>,
// conversation:<id>, plus "agents" (the queue's audience) and "admins".
import type { Namespace } from "socket.io";
import { agentAuth, visitorAuth } from "./accounts/socket-auth.js";
import { createAssignmentHandlers } from "./assignment/assignment.handlers.js";
import { createConversationHandlers } from "./conversations/conversations.handlers.js";
import { ADMINS, AGENTS, agentRoom, convRoom, visitorRoom } from "./conversations/delivery.js";
import { createHandlerFactory, type AppSocket } from "./lib/socket.js";
import { trackConnection } from "./presence/presence.handlers.js";
import type { Deps } from "./services.js";

export function setupSockets(d: Deps) {
  const { delivery, presence, log } = d;
  const on = createHandlerFactory(log, (s) => presence.traffic({ type: s.data.type, id: s.data.id }));
  const conversationHandlers = createConversationHandlers(on, d.conversations, presence);
  const assignmentHandlers = createAssignmentHandlers(on, d.assignment, presence);
  const visitors = delivery.visitors as Namespace;
  const agents = delivery.agents as Namespace;

  visitors.use(visitorAuth(d.accounts, d.config.allowedOrigins, log));
  agents.use(agentAuth(d.accounts, log));

  const guard = (socket: AppSocket, what: string, fn: () => Promise<void>) =>
    fn().catch((err) => {
      log.error(`${what} failed`, { err, socket: socket.id });
      socket.disconnect(true);
    });

  visitors.on("connection", (s) => {
    const socket = s as AppSocket;
    conversationHandlers(socket);
    guard(socket, "visitor connect", async () => {
      socket.join(visitorRoom(socket.data.id));
      await trackConnection(socket, presence);
      const row = await d.repos.conversations.activeForVisitor(socket.data.id);
      if (row) socket.join(convRoom(row.id));
      socket.emit("ready", {
        you: { type: "visitor", id: socket.data.id, name: socket.data.name },
        heartbeatIntervalMs: d.config.heartbeatIntervalMs,
        serverTime: Date.now(),
        conversations: row ? [await d.conversations.view(row)] : [],
      });
      // Agent presence reaches visitors on changes only: a (re)connecting visitor needs
      // where the assigned agent stands now (online/away in the header, delivered ticks).
      if (row?.agent_id) {
        const agent = { type: "agent" as const, id: row.agent_id };
        socket.emit("presence", { conversationId: row.id, participant: agent, presence: await presence.presence(agent) });
      }
    });
  });

  agents.on("connection", (s) => {
    const socket = s as AppSocket;
    conversationHandlers(socket);
    assignmentHandlers(socket);
    guard(socket, "agent connect", async () => {
      socket.join([agentRoom(socket.data.id), AGENTS, ...(socket.data.role === "admin" ? [ADMINS] : [])]);
      await trackConnection(socket, presence);
      const rows = await d.repos.conversations.forAgent(socket.data.id);
      socket.join(rows.map((r) => convRoom(r.id)));
      socket.emit("ready", {
        you: { type: "agent", id: socket.data.id, name: socket.data.name },
        heartbeatIntervalMs: d.config.heartbeatIntervalMs,
        serverTime: Date.now(),
        conversations: await d.conversations.views(rows),
      });
      void d.assignment.assignWaiting(); // an agent arrived: the queue may move
    });
  });
}
