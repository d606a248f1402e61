// Shared by the admin form suites: an admin logged in through the real form, and the
// check that a refused form answers the page with the error and changes nothing; one
// such session per describe() (adminSuite).
import assert from "node:assert/strict";
import type { Agent as SuperAgent } from "supertest";
import { ADMIN, startServer, type TestServer } from "../helpers/server.js";
import { httpLogin } from "../console/helpers.js";
import { perSuite } from "../helpers/suite.js";

export interface AdminSession {
  srv: TestServer;
  admin: SuperAgent;
  csrf: string;
  post(path: string, body: object): ReturnType<SuperAgent["post"]>;
  /** Refused: the status, the message on the page, and the state before === after. */
  refused(path: string, body: object, status: number, message: RegExp, snapshot: () => Promise<unknown>): Promise<void>;
}

export async function adminSession(): Promise<AdminSession> {
  const srv = await startServer();
  const { agent: admin, csrf } = await httpLogin(srv.url, ADMIN.email, ADMIN.password);
  const post = (path: string, body: object) => admin.post(path).type("form").send({ _csrf: csrf, ...body });
  return {
    srv,
    admin,
    csrf,
    post,
    async refused(path, body, status, message, snapshot) {
      const before = JSON.stringify(await snapshot());
      const res = await post(path, body);
      assert.equal(res.status, status, `${path} ${JSON.stringify(body)}: ${res.status}`);
      assert.match(res.text, /class="notice notice--error"/, path);
      assert.match(res.text, message, `${path} ${JSON.stringify(body)}`);
      assert.equal(JSON.stringify(await snapshot()), before, `${path} changed something on bad input`);
    },
  };
}

export interface AdminSuite extends AdminSession {
  /** The server's services, for checking what a form changed. */
  deps(): TestServer["application"]["services"];
}

/** The admin session of the enclosing describe(): a server and a login in before(), the
 *  server stopped in after(). Its fields and methods work from before() on. */
export function adminSuite(): AdminSuite {
  const session = perSuite("admin session", adminSession, (s) => s.srv.stop());
  return {
    get srv() { return session().srv; },
    get admin() { return session().admin; },
    get csrf() { return session().csrf; },
    post: (path, body) => session().post(path, body),
    refused: (...args) => session().refused(...args),
    deps: () => session().srv.application.services,
  };
}
