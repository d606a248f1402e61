// The server-rendered side (login, agent console, admin) assembled from the services:
// security headers, the cookie session (also handed to the Socket.IO handshake), CSRF
// checks, the settings applied to this node, and the routers. app.ts mounts the pieces.
import express from "express";
import { csrfProtection } from "./accounts/csrf.js";
import { loginRoutes } from "./accounts/login.routes.js";
import { createWebAuth } from "./accounts/web-auth.js";
import { createWebSession, handshakeOnly } from "./accounts/web-session.js";
import { createAdminRepository } from "./admin/admin.repository.js";
import { adminRoutes } from "./admin/admin.routes.js";
import { createAdminAgentsService } from "./admin/agents.service.js";
import { createHealthDashboard } from "./admin/health.service.js";
import { createConsoleRepository } from "./console/console.repository.js";
import { consoleRoutes } from "./console/console.routes.js";
import { createConsoleService } from "./console/console.service.js";
import { securityHeaders } from "./lib/security.js";
import type { Deps } from "./services.js";
import { startSettingsSync } from "./settings/settings.sync.js";
import { widgetRoutes } from "./widget/widget.routes.js";

export async function createWeb(d: Deps) {
  // ALLOWED_ORIGINS as configured; the settings sync below adds the admin's origins to
  // the live config list in place, and the widget routes re-read those per request.
  const envOrigins = [...d.config.allowedOrigins];
  const session = createWebSession({ config: d.config, prisma: d.db.prisma, secret: d.sessionSecret, log: d.log });
  const sync = startSettingsSync({
    settings: d.settings,
    filter: d.filter,
    allowedOrigins: d.config.allowedOrigins,
    clustered: !!d.redis,
    log: d.log,
  });
  await sync.refresh(); // the stored word list applies from the first message

  const auth = createWebAuth(d.accounts);
  const consoleRepo = createConsoleRepository(d.db.prisma);
  const consoleService = createConsoleService({
    repo: consoleRepo, accounts: d.repos.accounts, conversations: d.repos.conversations, service: d.conversations, presence: d.presence,
  });
  const agents = createAdminAgentsService({
    accounts: d.accounts, sessions: session.store, assignment: d.assignment, delivery: d.delivery, presence: d.presence, consoleRepo,
  });
  const health = createHealthDashboard({
    visitors: d.delivery.visitors, agents: d.delivery.agents, presence: d.presence, conversations: d.repos.conversations,
  });

  const routes = express.Router();
  routes.use(widgetRoutes({ settings: d.settings, allowedOrigins: envOrigins, presence: d.presence }));
  routes.use(loginRoutes({ accounts: d.accounts, auth, agents: d.delivery.agents }));
  routes.use(consoleRoutes({ auth, console: consoleService, canned: d.repos.canned, tokens: d.tokens }));
  routes.use(adminRoutes({ auth, agents, canned: d.repos.canned, settings: d.settings, sync, repo: createAdminRepository(d.db.prisma), health }));

  return {
    /** Before everything, static files included. */
    security: securityHeaders(d.config),
    /** After express.static (files need no session), before the routes. */
    session: [express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 100 }), session.middleware, csrfProtection],
    /** For io.engine.use: /agent sockets authenticate with the page's cookie. */
    handshake: handshakeOnly(session.middleware),
    routes,
    close() {
      session.close();
      sync.close();
    },
  };
}
