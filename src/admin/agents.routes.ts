// /admin/agents: the team (create, name/role/capacity, deactivate, reset password).
import { Router, type Request } from "express";
import { parseBody } from "../lib/http.js";
import type { AdminAgentsService } from "./agents.service.js";
import { ActiveFormSchema, TakesChatsFormSchema, CreateAgentFormSchema, IdParamSchema, PasswordFormSchema, UpdateAgentFormSchema } from "./admin.schemas.js";
import { formAction, type Render } from "./forms.js";

const BACK = "/admin/agents";

export function agentsAdminRoutes(agents: AdminAgentsService) {
  const r = Router();
  const render: Render = async (_req, res, status, extra) => {
    res.status(status).render("admin/agents", { nav: "agents", agents: await agents.list(), error: null, values: {}, form: null, ...extra });
  };
  const id = (req: Request) => parseBody(IdParamSchema, req.params.id);
  const me = (req: Request) => ({ id: req.agent!.id, sid: req.sessionID });

  r.get("/admin/agents", (req, res) => render(req, res, 200, {}));

  r.post("/admin/agents", formAction(render, "create", BACK, async (req, t) => {
    const body = parseBody(CreateAgentFormSchema, req.body);
    const a = await agents.create(body);
    return t("notice.agentAdded", { name: a.name, email: a.email });
  }));

  r.post("/admin/agents/:id", formAction(render, "update", BACK, async (req, t) => {
    const body = parseBody(UpdateAgentFormSchema, req.body);
    await agents.update(me(req), id(req), body);
    return t("notice.saved", { name: body.name });
  }));

  r.post("/admin/agents/:id/active", formAction(render, "active", BACK, async (req, t) => {
    const { active } = parseBody(ActiveFormSchema, req.body);
    await agents.update(me(req), id(req), { active });
    return t(active ? "notice.reactivated" : "notice.deactivated");
  }));

  r.post("/admin/agents/:id/takes-chats", formAction(render, "takesChats", BACK, async (req, t) => {
    const { takesChats } = parseBody(TakesChatsFormSchema, req.body);
    await agents.update(me(req), id(req), { takesChats });
    return t(takesChats ? "notice.takesChats" : "notice.noChats");
  }));

  r.post("/admin/agents/:id/password", formAction(render, "password", BACK, async (req, t) => {
    const { password } = parseBody(PasswordFormSchema, req.body);
    await agents.update(me(req), id(req), { password });
    return t("notice.password");
  }));

  return r;
}
