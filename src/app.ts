// createApplication(httpServer, infra): the whole product on a given HTTP server, so
// index.ts listens on PORT and tests on port 0 with their own configuration. It builds
// the services (composition.ts) and mounts them: the Express pipeline, which ends with
// one 404 and one error handler, and the Socket.IO namespaces.
import assert from "node:assert/strict";
import type { Server as HttpServer } from "node:http";
import path from "node:path";
import express from "express";
import { accountsRoutes } from "./accounts/accounts.routes.js";
import { csrfProtection } from "./accounts/csrf.js";
import { loginRoutes } from "./accounts/login.routes.js";
import { createConsoleOrigin } from "./accounts/console-origin.js";
import { agentAuth, visitorAuth } from "./accounts/socket-auth.js";
import { handshakeOnly } from "./accounts/web-session.js";
import { adminRoutes } from "./admin/admin.routes.js";
import { agentsApiRoutes } from "./admin/agents-api.routes.js";
import { createAssignmentHandlers } from "./assignment/assignment.handlers.js";
import { composeServices, type ComposeOptions } from "./composition.js";
import { createCsatHandlers } from "./csat/csat.handlers.js";
import { csatRoutes } from "./csat/csat.routes.js";
import { createLifecycleHandlers } from "./lifecycle/lifecycle.handlers.js";
import { createNotesHandlers } from "./notes/notes.handlers.js";
import { createLabelsHandlers } from "./labels/labels.handlers.js";
import { labelsApiRoutes } from "./labels/labels.routes.js";
import { passwordRoutes } from "./accounts/password.routes.js";
import { consoleRoutes } from "./console/console.routes.js";
import { searchRoutes } from "./search/search.routes.js";
import { createConversationHandlers } from "./conversations/conversations.handlers.js";
import { conversationsRoutes } from "./conversations/conversations.routes.js";
import { registerDiagnosticsNamespace } from "./diagnostics/diagnostics.handlers.js";
import { diagnosticsRoutes } from "./diagnostics/diagnostics.routes.js";
import { keepaliveOf } from "./diagnostics/diagnostics.service.js";
import { attachIdleProbes } from "./diagnostics/idle-probe.js";
import { countDependencyErrors, healthRoutes } from "./health/health.routes.js";
import type { Infrastructure } from "./infrastructure.js";
import { createAssets } from "./lib/assets.js";
import { clientIp } from "./lib/client-ip.js";
import { compressResponses } from "./lib/compression.js";
import { errorHandler, notFoundHandler } from "./lib/http.js";
import { securityHeaders } from "./lib/security.js";
import { createAdmission } from "./limits/admission.js";
import { HTTP_BUDGETS } from "./limits/limits.rules.js";
import { createCoolDowns, eventLimits, handshakeLimits } from "./limits/socket-limits.js";
import { trackConnection } from "./presence/presence.handlers.js";
import { reactToPresence } from "./presence/presence.reactions.js";
import { registerConnections } from "./realtime/connections.js";
import { createHandlerFactory } from "./realtime/handlers.js";
import { createIo, useRedisAdapter } from "./realtime/io.js";
import type { Starting } from "./realtime/starting.js";
import type { AppSocket } from "./realtime/types.js";
import { uploadsRoutes } from "./uploads/uploads.routes.js";
import { createVisitorContextHandlers } from "./visitors/visitor-context.handlers.js";
import { createOrigins } from "./widget/origins.js";
import { apiKeysAdminRoutes, apiKeysApiRoutes } from "./integrations/apikeys.routes.js";
import { docsRoutes } from "./integrations/docs.routes.js";
import { restRoutes } from "./integrations/rest.routes.js";
import { widgetRoutes } from "./widget/widget.routes.js";
import { i18nLocals } from "./i18n/i18n.middleware.js";
import { localeRoutes } from "./i18n/locale.routes.js";

const root = path.resolve(import.meta.dirname, "..");

/** `starting`: the Socket.IO server and request routing a starting node already answers
 *  with (index.ts, realtime/starting.ts); without it (tests) they are made here. */
export async function createApplication(httpServer: HttpServer, infra: Infrastructure, deps: ComposeOptions = {}, starting?: Starting) {
  const { config, log, redis } = infra;
  // Express must be the server's request listener before Socket.IO attaches: Socket.IO
  // then answers /socket.io itself and hands every other request on.
  const app = express();
  if (starting) starting.serve(app);
  else httpServer.on("request", app);
  const origins = starting?.origins ?? createOrigins(config.allowedOrigins);
  const io = starting?.io ?? createIo(httpServer, {
    offlineAfterMs: config.offlineAfterMs, origins, nodeName: config.nodeName, deflateThresholdBytes: config.wsDeflateThresholdBytes,
  });
  if (redis) useRedisAdapter(io, redis, config.redisPrefix);
  const s = await composeServices(infra, io, origins, deps);
  await s.accounts.ensureAdmin(config.adminEmail, config.adminPassword, `${config.publicUrl ?? `http://localhost:${config.port}`}/login`);

  // HTTP, in order: headers, compression, static files (no session), the session, the routes.
  if (config.trustProxy !== undefined) app.set("trust proxy", config.trustProxy);
  app.disable("x-powered-by");
  app.use(securityHeaders(config));
  app.use(compressResponses());
  app.set("view engine", "ejs");
  app.set("views", path.join(root, "views"));
  // Views name their scripts and stylesheets through the build's manifest (hashed URLs).
  const assets = createAssets(path.join(root, "public"));
  app.locals.asset = assets.url;
  app.use(express.json({ limit: "64kb" }));
  app.use("/build/hashed", assets.middleware);
  app.use(express.static(path.join(root, "public"), { maxAge: config.production ? "1h" : 0 }));
  app.use(express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 100 }), s.webSession.middleware, csrfProtection);
  app.use(i18nLocals()); // `t` and `locale` for every view (src/i18n)
  app.use(healthRoutes({
    checks: {
      database: () => s.db.prisma.$queryRawUnsafe("SELECT 1"),
      ...(redis ? { redis: () => redis.cmd.ping().then((p) => assert.equal(p, "PONG")) } : {}),
    },
    metrics: s.metrics, metricsToken: config.metricsToken,
  }));
  app.use(accountsRoutes({ accounts: s.accounts, throttle: s.loginThrottle, realtime: s.realtime, limiters: s.limiters, sessions: s.visitorSessions }));
  app.use(agentsApiRoutes({ accounts: s.accounts, agents: s.adminAgents }));
  app.use(s.webhooks.routes(s.accounts));
  app.use(conversationsRoutes({ accounts: s.accounts, views: s.views, conversations: s.repos.conversations, messages: s.repos.messages }));
  app.use(csatRoutes({ accounts: s.accounts, conversations: s.repos.conversations, csat: s.csat }));
  app.use(uploadsRoutes({
    accounts: s.accounts, auth: s.webAuth, repo: s.repos.uploads, links: s.uploadLinks, dataDir: config.dataDir, maxBytes: config.uploadMaxBytes,
  }));
  app.use(s.email.routes);
  app.use(widgetRoutes({ settings: s.settings, origins, presence: s.assignable, hours: s.hours, asset: assets.url, content: assets.content }));
  app.use(passwordRoutes({
    auth: s.webAuth,
    setPassword: (id, sid, password) => s.adminAgents.update({ id, sid }, id, { password }),
    setTakesChats: (id, takesChats) => s.assignment.setTakesChats(id, takesChats),
  }));
  app.use(localeRoutes({ auth: s.webAuth, locales: s.repos.locales }));
  app.use(loginRoutes({ accounts: s.accounts, auth: s.webAuth, throttle: s.loginThrottle, realtime: s.realtime }));
  app.use(consoleRoutes({ auth: s.webAuth, console: s.console, canned: s.repos.canned, accounts: s.accounts }));
  app.use(searchRoutes({ auth: s.webAuth, search: s.search }));
  app.use(adminRoutes({
    auth: s.webAuth, agents: s.adminAgents, canned: s.repos.canned, settings: s.settings, repo: s.repos.admin, health: s.healthDashboard,
    publicUrl: config.publicUrl, hours: s.hours, reports: s.repos.reports, notes: s.repos.notes,
    connectionTests: s.diagnostics,
    labels: s.labels,
    onboarding: s.onboarding,
  }));
  app.use(s.email.adminRoutes(s.webAuth.page("admin")));
  app.use(diagnosticsRoutes({
    auth: s.webAuth, diagnostics: s.diagnostics, idleProbesSec: config.diagnosticsIdleProbesSec, keepalive: keepaliveOf(config),
    perIp: s.limiters.cluster("diagnostics-ip", HTTP_BUDGETS.diagnosticsPerIp),
  }));
  // Integrations (src/integrations, PROTOCOL.md section 6): API keys, the REST API, its docs.
  app.use(apiKeysAdminRoutes({ guard: s.webAuth.page("admin"), apiKeys: s.apiKeys }));
  app.use(apiKeysApiRoutes({ accounts: s.accounts, apiKeys: s.apiKeys }));
  app.use(restRoutes({
    accounts: s.accounts, apiKeys: s.apiKeys, conversations: s.conversations, assignment: s.assignment,
    list: s.conversationList, views: s.views, limiters: s.limiters, labels: s.labels,
  }));
  app.use(docsRoutes());
  app.use(labelsApiRoutes({ api: s.webAuth.api(), labels: s.labels }));
  app.use(s.webhooks.adminRoutes(s.webAuth.page("admin")));
  app.use(notFoundHandler);
  app.use(countDependencyErrors(s.metrics), errorHandler(log));

  // Sockets: /agent handshakes read the page's cookie session; every event counts as
  // traffic and spends its participant's budget.
  io.engine.use(handshakeOnly(s.webSession.middleware));
  const traffic = (socket: AppSocket) => s.presence.traffic({ type: socket.data.type, id: socket.data.id });
  const coolDowns = createCoolDowns();
  const on = createHandlerFactory(log, traffic, s.metrics, eventLimits(s.limiters, coolDowns));
  const messaging = createConversationHandlers(on, s.conversations, s.presence, s.realtime);
  const handshakesPerIp = s.limiters.cluster("handshakes-ip", { points: config.limits.handshakesPerIpPerMinute, durationSec: 60 });
  const connectionLimits = handshakeLimits({
    admission: createAdmission({ perSecond: config.limits.handshakesPerSecond }), perIp: handshakesPerIp, caps: s.socketCaps, coolDowns, ipOf: clientIp(app),
  });
  registerConnections(io, {
    auth: { visitor: visitorAuth(s.accounts, origins, log, s.arrivals), agent: agentAuth(s.accounts, log, createConsoleOrigin(config.publicUrl)) },
    limits: connectionLimits,
    handlers: {
      visitor: [messaging, createVisitorContextHandlers(on, s.visitorContext, s.realtime), createCsatHandlers(on, s.csat)],
      agent: [messaging, createAssignmentHandlers(on, s.assignment, s.presence), createLifecycleHandlers(on, s.lifecycle), createNotesHandlers(on, s.notes), createLabelsHandlers(on, s.labels)],
    },
    track: (socket) => trackConnection(socket, s.presence, { minMs: config.heartbeatMinIntervalMs, maxMs: config.heartbeatIntervalMs }),
    opening: (actor, socket) => s.conversations.opening(actor, s.arrivals.take(socket)),
    agentArrived: () => void s.assignment.assignWaiting(),
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    readyExtras: (socket) => ({
      heartbeatMinIntervalMs: config.heartbeatMinIntervalMs,
      ...(socket.data.type === "visitor" ? { diagnosticsTicket: s.accounts.diagnosticsTicket(socket.data.id) } : {}),
    }),
    log,
  });
  registerDiagnosticsNamespace(io, connectionLimits);
  const idleProbes = attachIdleProbes(httpServer, { ipOf: clientIp(app) });
  reactToPresence({ presence: s.presence, conversations: s.repos.conversations, views: s.views, assignment: s.assignment, lifecycle: s.lifecycle, realtime: s.realtime, log });
  starting?.open();

  return {
    app,
    io,
    services: s,
    /** Stops taking work, writes what is queued, closes sockets and connections. */
    async close() {
      idleProbes.close();
      io.close();
      await s.close();
      await infra.close();
    },
  };
}
export type Application = Awaited<ReturnType<typeof createApplication>>;
