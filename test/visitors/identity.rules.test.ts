// The pure rules of verified identity: the hash a site computes, the constant-time check,
// and what a session request's userId/userHash mean with and without IDENTITY_SECRET.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { AppError } from "../../src/lib/errors.js";
import { hashMatches, judgeIdentity, userHashOf } from "../../src/visitors/identity.rules.js";

const SECRET = "test-identity-secret-0123456789";
const site = (userId: string) => createHmac("sha256", SECRET).update(userId).digest("hex"); // what the README tells sites to do

describe("identity.rules", () => {
  it("userHash is the lowercase hex HMAC-SHA256 of userId keyed with the secret", () => {
    assert.equal(userHashOf(SECRET, "user-42"), site("user-42"));
    assert.match(userHashOf(SECRET, "user-42"), /^[0-9a-f]{64}$/);
    assert.equal(userHashOf(SECRET, "用户-7"), site("用户-7"), "UTF-8 ids hash as UTF-8");
  });

  it("matches the right hash only (uppercase hex is the same bytes)", () => {
    assert.equal(hashMatches(SECRET, "user-42", site("user-42")), true);
    assert.equal(hashMatches(SECRET, "user-42", site("user-42").toUpperCase()), true);
    assert.equal(hashMatches(SECRET, "user-43", site("user-42")), false, "another user's hash");
    assert.equal(hashMatches("another-secret-0123456789", "user-42", site("user-42")), false, "another secret");
    for (const junk of ["", "zz", site("user-42").slice(0, 63), `${site("user-42")}0`, `${site("user-42").slice(0, 62)}zz`]) {
      assert.equal(hashMatches(SECRET, "user-42", junk), false, junk);
    }
  });

  it("with a secret: a matching pair is verified, a wrong or half pair is AUTH_INVALID", () => {
    assert.deepEqual(judgeIdentity(SECRET, { userId: "u1", userHash: site("u1") }), { verified: true, userId: "u1" });
    assert.deepEqual(judgeIdentity(SECRET, {}), { verified: false, ignored: false });
    for (const bad of [{ userId: "u1", userHash: site("u2") }, { userId: "u1" }, { userHash: site("u1") }]) {
      assert.throws(() => judgeIdentity(SECRET, bad), (e: unknown) => e instanceof AppError && e.code === "AUTH_INVALID" && e.status === 401);
    }
  });

  it("without a secret: userId and userHash prove nothing and are ignored", () => {
    assert.deepEqual(judgeIdentity(undefined, { userId: "u1", userHash: site("u1") }), { verified: false, ignored: true });
    assert.deepEqual(judgeIdentity(undefined, { userId: "u1", userHash: "wrong" }), { verified: false, ignored: true });
    assert.deepEqual(judgeIdentity(undefined, {}), { verified: false, ignored: false });
  });
});
