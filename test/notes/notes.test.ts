// Private notes (issue 13): agents who may read a conversation write and read them; the
// agents following it get them live; its visitor never does, and the visitor's messages
// keep a gapless seq. Junk is refused VALIDATION and stores nothing.
import assert from "node:assert/strict";
import { agentToken, call, callRaw, connectAgent, emitRaw, until } from "../helpers/clients.js";
import { assertGapless, errorCode, newAgent, newVisitor, repos, retire, say, settled, suiteServer, transcript, variants } from "../assignment/harness.js";
import type { Note } from "../../src/events.js";

for (const v of variants()) {
  describe(`private notes [${v.name}]`, function () {
    this.timeout(30_000);
    const srv = suiteServer(v);

    it("reach the agents of the conversation and admins, never its visitor, and take no seq", async () => {
      const abe = await newAgent(srv, "Abe Notes");
      const vis = await newVisitor(srv, "Nora Visitor");
      const visitorEvents: string[] = [];
      vis.socket.onAny((event: string) => visitorEvents.push(event));
      const first = await say(vis, "My order is late");
      const cid = first.conversationId;
      await settled(srv, cid, "open", abe.id);
      const admin = await connectAgent(srv.url, (await agentToken(srv.url)).token);
      const adminNotes: Note[] = [];
      admin.socket.on("note", (n) => adminNotes.push(n));
      const abeNotes: Note[] = [];
      abe.socket.on("note", (n) => abeNotes.push(n));

      const added = await call(abe.socket, "note:add", { conversationId: cid, body: "  Refund approved by Sam, ticket 4411  " });
      assert.equal(added.ok, true, JSON.stringify(added));
      const note = added.ok ? added.note : null!;
      assert.equal(note.body, "Refund approved by Sam, ticket 4411");
      assert.deepEqual(note.author, { id: abe.id, name: "Abe Notes" });
      assert.equal(note.conversationId, cid);
      assert.ok(!Number.isNaN(Date.parse(note.createdAt)));
      await until(() => adminNotes.length === 1 && abeNotes.length === 1, 3000, "the note events of the admin and the agent");
      assert.deepEqual(adminNotes[0], note);
      assert.deepEqual(abeNotes[0], note);

      const reply = await call(abe.socket, "message:send", { conversationId: cid, clientMsgId: "after-note", type: "text", body: "Your refund is on its way" });
      assert.equal(reply.ok, true);
      await until(() => visitorEvents.filter((e) => e === "message").length >= 2, 3000, "the reply reaches the visitor");
      const log = await transcript(srv, cid);
      assertGapless(log);
      assert.ok(!log.some((m) => m.body.includes("Refund approved")), "a note is not a message");
      const synced = await call(vis.socket, "sync", { conversationId: cid, afterSeq: 0 });
      assert.ok(synced.ok && !synced.messages.some((m) => m.body.includes("Refund approved")));
      assert.ok(!visitorEvents.includes("note"), `the visitor got: ${visitorEvents.join(", ")}`);

      const listed = await call(admin.socket, "note:list", { conversationId: cid });
      assert.ok(listed.ok);
      assert.deepEqual(listed.notes, [note]);
      admin.socket.disconnect();
      await retire(abe);
      vis.close();
    });

    it("are refused to an agent who may not read the conversation, and to visitors", async () => {
      const abe = await newAgent(srv, "Abe Owner");
      const vis = await newVisitor(srv, "Olga Visitor");
      const cid = (await say(vis)).conversationId;
      await settled(srv, cid, "open", abe.id);
      const bea = await newAgent(srv, "Bea Other"); // after Abe took it
      const beaNotes: Note[] = [];
      bea.socket.on("note", (n) => beaNotes.push(n));
      assert.equal(errorCode(await call(bea.socket, "note:add", { conversationId: cid, body: "sneaky" })), "FORBIDDEN");
      assert.equal(errorCode(await call(bea.socket, "note:list", { conversationId: cid })), "FORBIDDEN");
      assert.equal(errorCode(await call(abe.socket, "note:add", { conversationId: "no-such-conversation", body: "x" })), "NOT_FOUND");
      // Visitors have no note events at all: the server has no handler for them there.
      emitRaw(vis.socket, "note:add", { conversationId: cid, body: "from the visitor" }, () => {});
      assert.ok((await call(abe.socket, "note:add", { conversationId: cid, body: "only for Abe and admins" })).ok);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(beaNotes, [], "an agent outside the conversation hears nothing");
      const listed = await call(abe.socket, "note:list", { conversationId: cid });
      assert.deepEqual(listed.ok && listed.notes.map((n) => n.body), ["only for Abe and admins"]);
      await retire(abe, bea);
      vis.close();
    });

    it("refuse junk with VALIDATION and store nothing", async () => {
      const abe = await newAgent(srv, "Abe Junk");
      const vis = await newVisitor(srv, "Junk Visitor");
      const cid = (await say(vis)).conversationId;
      await settled(srv, cid, "open", abe.id);
      for (const junk of [
        { conversationId: cid, body: "   " },
        { conversationId: cid, body: "x".repeat(5001) },
        { conversationId: cid, body: "ok", extra: 1 },
        { conversationId: 42, body: "ok" },
        { body: "ok" },
        "not an object",
      ]) assert.equal(errorCode(await callRaw(abe.socket, "note:add", junk)), "VALIDATION", JSON.stringify(junk).slice(0, 60));
      const listed = await call(abe.socket, "note:list", { conversationId: cid });
      assert.ok(listed.ok);
      assert.deepEqual(listed.notes, []);
      await retire(abe);
      vis.close();
    });

    it("list the newest 500 of a long thread, oldest of them first", async () => {
      const abe = await newAgent(srv, "Abe Many");
      const vis = await newVisitor(srv, "Many Notes Visitor");
      const cid = (await say(vis)).conversationId;
      await settled(srv, cid, "open", abe.id);
      // 505 notes, one statement; distinct, increasing times so the order is unambiguous.
      await repos(srv).notes.add(cid, abe.id, "n0"); // the table's shape comes from the repository
      await srv.application.services.db.query(
        `INSERT INTO conversation_note (id, conversation_id, agent_id, body, created_at)
         SELECT gen_random_uuid()::text, $1, $2, 'n' || i, now() + i * interval '1 ms' FROM generate_series(1, 504) i`,
        [cid, abe.id],
      );
      const listed = await call(abe.socket, "note:list", { conversationId: cid });
      assert.ok(listed.ok);
      assert.equal(listed.notes.length, 500);
      assert.equal(listed.notes.at(-1)!.body, "n504", "the newest is there");
      assert.equal(listed.notes[0]!.body, "n5", "the 5 oldest are left out");
      const times = listed.notes.map((n) => Date.parse(n.createdAt));
      assert.deepEqual(times, [...times].sort((a, b) => a - b), "chronological");
      await retire(abe);
      vis.close();
    });
  });
}
