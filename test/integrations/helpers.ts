// Shared by the REST API suites (PROTOCOL.md section 6): a server per database, the
// admin's token, API keys made through the real endpoint, and calls that parse the
// answer with the schemas the OpenAPI document is built from (src/integrations/rest.views.ts),
// so a field the document promises and the server drops fails the suite.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { agentToken, api, type ApiErrorBody } from "../helpers/clients.js";
import { serverPerSuite, startServer, type DbKind, type TestServer } from "../helpers/server.js";
import { CreatedApiKey, ErrorView } from "../../src/integrations/rest.views.js";

export interface RestSuite {
  srv: TestServer;
  /** The admin's bearer token. */
  admin(): string;
  /** A new API key with this name (its `key` and its `apiKey.id`). */
  newKey(name: string): Promise<z.infer<typeof CreatedApiKey>>;
}

export function restSuite(db: DbKind): RestSuite {
  const srv = serverPerSuite(() => startServer({ db }));
  let admin = "";
  before(async () => {
    admin = (await agentToken(srv.url)).token;
  });
  return {
    srv,
    admin: () => admin,
    async newKey(name) {
      const r = await api(srv.url, "POST", "/api/api-keys", { name }, admin);
      assert.equal(r.status, 201, r.text);
      return CreatedApiKey.parse(r.body);
    },
  };
}

/** A call whose answer must have `status` and, then, the shape of `schema`. */
export async function expectJson<S extends z.ZodType>(srv: TestServer, method: string, path: string, token: string | undefined, body: unknown, status: number, schema: S): Promise<z.infer<S>> {
  const r = await api(srv.url, method, path, body, token);
  assert.equal(r.status, status, `${method} ${path}: ${r.status} ${r.text}`);
  const parsed = schema.safeParse(r.body);
  assert.ok(parsed.success, `${method} ${path} answer does not match its documented schema: ${r.text} ${parsed.error?.message ?? ""}`);
  return parsed.data;
}

/** A refusal: the status and the contract's error code. */
export async function expectError(srv: TestServer, method: string, path: string, token: string | undefined, body: unknown, status: number, code: string) {
  const r = await api<ApiErrorBody>(srv.url, method, path, body, token);
  assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}: ${r.status} ${r.text}`);
  assert.ok(ErrorView.safeParse(r.body).success, r.text);
  assert.equal(r.body.error.code, code, `${method} ${path}: ${r.text}`);
  return r.body.error;
}

export const text = (body: string, clientMsgId: string = randomUUID()) => ({ clientMsgId, type: "text", body });
