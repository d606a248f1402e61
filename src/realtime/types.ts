// The Socket.IO types of this server, with all four generics of the shared events file
// (src/events.ts): what clients may send, what the server emits, what nodes tell each
// other, and what a socket carries after its handshake. Every server-side socket,
// namespace and server is one of these, so a wrong event name or payload does not compile.
import type { Namespace, Server, Socket } from "socket.io";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../events.js";

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ParticipantKind = SocketData["type"];
