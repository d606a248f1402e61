// The baseline: a minimal Socket.IO relay with no database, no auth, no validation.
// Visitors join a room per conversation, agents too; a message is acked at once and
// relayed to the room. Whatever Holdfast costs on top of this is the price of durability.
import { createServer } from "node:http";
import { Server } from "socket.io";

// Answers /healthz (how the bench knows it is up); Socket.IO serves its own path.
const http = createServer((req, res) => {
  res.writeHead(req.url === "/healthz" ? 200 : 404).end();
});
const io = new Server(http, { transports: ["websocket", "polling"] });
let seq = 0;
for (const nsp of ["/visitor", "/agent"]) {
  io.of(nsp).on("connection", (socket) => {
    const rooms = socket.handshake.auth.rooms ?? [];
    socket.join(rooms);
    socket.emit("ready", {});
    socket.on("message:send", (p, ack) => {
      const m = { id: String(++seq), seq, conversationId: p.conversationId, clientMsgId: p.clientMsgId, body: p.body };
      ack?.({ ok: true, message: m, duplicate: false });
      io.of("/agent").to(`conversation:${p.conversationId}`).emit("message", m);
      io.of("/visitor").to(`conversation:${p.conversationId}`).except(socket.id).emit("message", m);
    });
  });
}
http.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ msg: "relay listening", port: http.address().port }) + "\n");
});
process.on("SIGTERM", () => process.exit(0));
