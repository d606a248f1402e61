// Labels' pure rules: names as stored, colours, who may label, and the set's limits.
import assert from "node:assert/strict";
import { MAX_LABELS_PER_CONVERSATION } from "../../src/events.js";
import { isColour, mayLabel, normaliseName, tooMany, unique, withLabel, withoutLabel } from "../../src/labels/labels.rules.js";
import { LabelFormSchema, SetLabelsSchema } from "../../src/labels/labels.schemas.js";

describe("labels.rules", () => {
  const agent = { type: "agent" as const, id: "a1", name: "A", role: "agent" as const };
  const admin = { ...agent, id: "ad", role: "admin" as const };
  const visitor = { type: "visitor" as const, id: "v1", name: "V" };

  it("normalises a name: trimmed, inner spaces one, case kept", () => {
    assert.equal(normaliseName("  VIP   customer \t"), "VIP customer");
    assert.equal(normaliseName("Billing"), "Billing");
    assert.equal(normaliseName("Cafe\u0301"), "Café", "one Unicode form, so the unique index sees one name");
    assert.equal(normaliseName("   "), "");
  });

  it("takes #rrggbb colours only", () => {
    assert.equal(isColour("#2563eb"), true);
    for (const bad of ["red", "#12345", "#1234567", "2563eb", "#GGGGGG", "#2563eb; x"]) assert.equal(isColour(bad), false, bad);
  });

  it("lets the conversation's agent, anyone while it waits, and admins label it", () => {
    assert.equal(mayLabel(agent, { agent_id: "a1", status: "open" }), true);
    assert.equal(mayLabel(agent, { agent_id: "a1", status: "resolved" }), true);
    assert.equal(mayLabel(agent, { agent_id: null, status: "waiting" }), true);
    assert.equal(mayLabel(admin, { agent_id: "a2", status: "open" }), true);
    assert.equal(mayLabel(agent, { agent_id: "a2", status: "open" }), false, "another agent's open one");
    assert.equal(mayLabel(visitor, { agent_id: null, status: "waiting" }), false);
  });

  it("bounds the set and adds or removes one without duplicates", () => {
    const ids = Array.from({ length: MAX_LABELS_PER_CONVERSATION }, (_, i) => `l${i}`);
    assert.equal(tooMany(ids), null);
    assert.equal(tooMany([...ids, "l0"]), null, "a duplicate is not one more");
    assert.match(tooMany([...ids, "extra"])!, /at most 10 labels/);
    assert.deepEqual(unique(["b", "a", "b"]), ["b", "a"]);
    assert.deepEqual(withLabel(["a"], "b"), ["a", "b"]);
    assert.deepEqual(withLabel(["a", "b"], "a"), ["a", "b"]);
    assert.deepEqual(withoutLabel(["a", "b"], "a"), ["b"]);
    assert.deepEqual(withoutLabel(["a"], "z"), ["a"]);
  });

  it("validates the form and the event's payload", () => {
    assert.deepEqual(LabelFormSchema.parse({ name: "  Bug  report ", colour: " #2563EB " }), { name: "Bug report", colour: "#2563eb" });
    for (const bad of [{ name: " ", colour: "#2563eb" }, { name: "x".repeat(41), colour: "#2563eb" }, { name: "ok", colour: "blue" }, { name: "ok", colour: "#2563eb", id: "1" }])
      assert.equal(LabelFormSchema.safeParse(bad).success, false, JSON.stringify(bad));
    assert.equal(SetLabelsSchema.safeParse({ conversationId: "c", labelIds: [] }).success, true);
    for (const bad of [{ conversationId: "c", labelIds: "l1" }, { conversationId: "c", labelIds: [1] }, { conversationId: "c" }, { conversationId: "c", labelIds: [""] }])
      assert.equal(SetLabelsSchema.safeParse(bad).success, false, JSON.stringify(bad));
  });
});
