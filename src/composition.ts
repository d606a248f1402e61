// The composition root: every repository and service is built here, once, from the
// infrastructure and the Socket.IO server, and handed on under names that say what it
// is. Modules below take narrow dependencies (an interface or a Pick of a service) and
// never import this file; app.ts mounts what is built here onto Express and Socket.IO.
import { WRITE_QUEUE_MAX_WAIT_MS } from "./limits/limits.rules.js";
import { createAccountsRepository } from "./accounts/accounts.repository.js";
import { createLocaleRepository } from "./i18n/locale.repository.js";
import { createAccountsService } from "./accounts/accounts.service.js";
import { createLoginThrottle } from "./accounts/login-throttle.js";
import { createTokens } from "./accounts/tokens.js";
import { createWebAuth } from "./accounts/web-auth.js";
import { createWebSession } from "./accounts/web-session.js";
import { createAdminRepository } from "./admin/admin.repository.js";
import { createAdminAgentsService } from "./admin/agents.service.js";
import { createHealthDashboard } from "./admin/health.service.js";
import { createAssignable } from "./assignment/assignable.js";
import { createAssignmentRepository } from "./assignment/assignment.repository.js";
import { createAssignmentService } from "./assignment/assignment.service.js";
import { createCannedRepository } from "./canned/canned.repository.js";
import { createCsatRepository } from "./csat/csat.repository.js";
import { createCsatService } from "./csat/csat.service.js";
import { createReportsRepository } from "./reports/reports.repository.js";
import { createConsoleRepository } from "./console/console.repository.js";
import { createConsoleService } from "./console/console.service.js";
import { createConversationViews } from "./conversations/conversation.views.js";
import { createConversationsRepository } from "./conversations/conversations.repository.js";
import { createConversationsService } from "./conversations/conversations.service.js";
import { createMessageWriter } from "./conversations/message-writer.js";
import { createMessagesRepository } from "./conversations/messages.repository.js";
import { createEmailModule } from "./email/email.module.js";
import { createApiKeysRepository } from "./integrations/apikeys.repository.js";
import { createApiKeysService } from "./integrations/apikeys.service.js";
import { createConversationListRepository } from "./integrations/conversation-list.repository.js";
import type { Infrastructure } from "./infrastructure.js";
import { createMetrics } from "./lib/metrics.js";
import { createLimiters } from "./limits/limiter.js";
import { createSharedCounts } from "./limits/cluster-caps.js";
import { startPlannerStats } from "./maintenance/planner-stats.js";
import { createDiagnosticsRepository } from "./diagnostics/diagnostics.repository.js";
import { createDiagnosticsService, keepaliveOf } from "./diagnostics/diagnostics.service.js";
import { createNotesRepository } from "./notes/notes.repository.js";
import { createOnboarding } from "./onboarding/onboarding.service.js";
import { createNotesService } from "./notes/notes.service.js";
import { createLabelsRepository } from "./labels/labels.repository.js";
import { createLabelsService } from "./labels/labels.service.js";
import { createSocketCaps } from "./limits/socket-caps.js";
import { createContentFilter } from "./moderation/content-filter.js";
import { createArrivals } from "./realtime/arrivals.js";
import { catchUpAfterOutages, createCatchUp } from "./realtime/catch-up.js";
import { createRealtime } from "./realtime/realtime.js";
import type { AppServer } from "./realtime/types.js";
import { createSearchRepository } from "./search/search.repository.js";
import { createSearchService } from "./search/search.service.js";
import { createSettingsRepository } from "./settings/settings.repository.js";
import { createSettingsService } from "./settings/settings.service.js";
import { startSettingsSync } from "./settings/settings.sync.js";
import { createBusinessHours } from "./hours/hours.service.js";
import { createUploadLinks } from "./uploads/upload-links.js";
import { createUploadsRepository } from "./uploads/uploads.repository.js";
import { createVisitorContext } from "./visitors/visitor-context.service.js";
import { createVisitorSessions } from "./visitors/visitor-sessions.service.js";
import { createVisitorsRepository } from "./visitors/visitors.repository.js";
import { createLifecycleRepository } from "./lifecycle/lifecycle.repository.js";
import { createLifecycleService } from "./lifecycle/lifecycle.service.js";
import type { Origins } from "./widget/origins.js";
import { createSubscriptions } from "./webhooks/subscriptions.js";
import { createWebhooksModule } from "./webhooks/webhooks.module.js";
import { createWebhooksRepository } from "./webhooks/webhooks.repository.js";

/** How often each node works the queue besides the events that move it. */
const ASSIGNMENT_SWEEP_MS = 5000;
/** How often expired agent tokens are deleted (they are refused before that anyway). */
const TOKEN_PRUNE_MS = 3600_000;
/** How often each node checks whether the planner's statistics went stale (src/maintenance). */
const PLANNER_STATS_MS = 60_000;

/** What a caller (a test) may inject; everything else comes from the infrastructure. */
export interface ComposeOptions {
  /** The clock business hours judge by (default Date.now). */
  now?: () => number;
}

export async function composeServices(infra: Infrastructure, io: AppServer, origins: Origins, opts: ComposeOptions = {}) {
  const { db, log, config, presence } = infra;
  const clustered = !!infra.redis;
  // This instance's metrics registry (never prom-client's global one).
  const metrics = createMetrics();
  for (const client of Object.values(infra.redis ?? {})) client.on("error", () => metrics.dependencyError("redis"));
  const uploadLinks = createUploadLinks(infra.sessionSecret);
  // Webhooks (src/webhooks): which events are subscribed, known before the first write.
  const webhooksRepo = createWebhooksRepository(db.prisma);
  const subscriptions = createSubscriptions({ repo: webhooksRepo, log });
  await subscriptions.refresh();
  const repos = {
    accounts: createAccountsRepository(db.prisma),
    conversations: createConversationsRepository(db),
    claims: createAssignmentRepository(db),
    messages: createMessagesRepository(db, uploadLinks.url, subscriptions.messages, { alone: !clustered }),
    settings: createSettingsRepository(db.prisma),
    canned: createCannedRepository(db.prisma),
    console: createConsoleRepository(db.prisma),
    admin: createAdminRepository(db.prisma, uploadLinks.url),
    uploads: createUploadsRepository(db.prisma),
    csat: createCsatRepository(db.prisma),
    reports: createReportsRepository(db.prisma),
    notes: createNotesRepository(db),
    diagnostics: createDiagnosticsRepository(db),
    labels: createLabelsRepository(db),
    locales: createLocaleRepository(db.prisma),
  };
  // Planner statistics: checked now (after the migrations) and every minute; PGlite has no autovacuum.
  const plannerStats = startPlannerStats(db, log, PLANNER_STATS_MS);
  // Rate limits and socket caps (limits/): cluster-wide budgets in Redis when clustered.
  const limiters = createLimiters({ redis: infra.redis?.limits, prefix: config.redisPrefix, log });
  const socketCaps = createSocketCaps({ perParticipant: config.limits.socketsPerParticipant, perIp: config.limits.socketsPerIp });
  const sharedCaps = infra.redis && createSharedCounts({ client: infra.redis.limits, prefix: config.redisPrefix, nodeId: infra.nodeId, localCounts: socketCaps.entries });
  if (sharedCaps) socketCaps.share(sharedCaps);

  const settings = createSettingsService(repos.settings);
  const filter = createContentFilter();
  const hours = createBusinessHours({ repo: repos.settings, now: opts.now ?? Date.now, log });
  const settingsSync = startSettingsSync({ settings, filter, origins, clustered, log, reload: [hours.load] });
  await settingsSync.refresh(); // the stored word list, origins and business hours apply from the start

  const tokens = createTokens(infra.sessionSecret);
  const accounts = createAccountsService(repos.accounts, tokens, log);
  const stopTokenPrune = accounts.startTokenPrune(TOKEN_PRUNE_MS);
  // One login budget for the whole cluster: counted in Redis when there is one.
  const loginThrottle = createLoginThrottle({ redis: infra.redis?.cmd, redisPrefix: config.redisPrefix });
  const writer = createMessageWriter(repos.messages, log, {
    concurrency: db.kind === "pglite" ? 1 : 4,
    maxBatch: 200,
    maxQueue: 10_000,
    maxQueuedPerSender: 200,
    // Past what the database can write, a taken send is stored within about this (plus
    // its batch) and the excess is refused RATE_LIMITED: overload degrades, not collapses.
    maxWaitMs: WRITE_QUEUE_MAX_WAIT_MS,
    paceMs: config.writePaceMs,
    maxPaceMs: config.writePaceMaxMs ?? (db.kind === "pglite" ? 10 : 20),
    metrics,
  });
  // Visitor handshakes read in groups (realtime/arrivals.ts): a reconnect storm is one query per batch.
  const arrivals = createArrivals(db);
  const cluster = infra.redis && {
    pub: infra.redis.pub, sub: infra.redis.sub, prefix: config.redisPrefix,
    onError: (err: unknown) => void metrics.observeError(err),
  };
  const realtime = createRealtime(io, { retryMs: config.deliveryRetryMs, clustered, observeFanout: metrics.fanout, cluster });
  metrics.track({ writer, writePaths: repos.messages.writeStats, realtime, presence });
  if (infra.redis) {
    const catchUp = createCatchUp({ realtime, storedSince: repos.messages.storedSince, log });
    catchUpAfterOutages(infra.redis.sub, catchUp, log);
  }
  const views = createConversationViews(presence, repos.labels.forConversations);
  // Available agents who take chats (assignment/assignable.ts): the queue, the widget, emails.
  const assignable = createAssignable({ presence, takingChats: repos.accounts.takingChats });
  const assignment = createAssignmentService({
    conversations: repos.conversations, claims: repos.claims, accounts: repos.accounts, views, writer, realtime, presence: assignable, log,
    isOpen: hours.isOpen, offlineMessage: async () => (await settings.getWidget()).offlineMessage,
  });
  hours.onChange((open) => open && void assignment.assignWaiting()); // the queue moves at opening time
  const stopSweep = assignment.startSweep(ASSIGNMENT_SWEEP_MS);
  // Left visitors, snoozes, AUTO_RESOLVE_AFTER_MS (src/lifecycle).
  const lifecycle = createLifecycleService({
    repo: createLifecycleRepository(db), conversations: repos.conversations, views, assignment,
    autoResolveAfterMs: config.autoResolveAfterMs, log,
  });
  const stopLifecycle = lifecycle.startSweep();
  const conversations = createConversationsService({
    conversations: repos.conversations, messages: repos.messages, writer, realtime, views, presence, filter, assignment,
    woken: lifecycle.woken, servesVisitor: repos.console.agentMaySee, tookPart: repos.console.tookPart,
  });

  // Verified identity and live context (visitors/): IDENTITY_SECRET, PROTOCOL.md section 2.
  const visitorsRepo = createVisitorsRepository(db.prisma);
  const visitorSessions = createVisitorSessions({ secret: config.identitySecret, accounts, repo: visitorsRepo, tokens, log });
  const visitorContext = createVisitorContext({ repo: visitorsRepo, realtime });

  const webSession = createWebSession({ config, prisma: db.prisma, secret: infra.sessionSecret, log });
  const webAuth = createWebAuth(accounts);
  const consoleService = createConsoleService({
    repo: repos.console, accounts: repos.accounts, conversations: repos.conversations, views, presence, diagnostics: repos.diagnostics,
  });
  // The console's search box (src/search): the console's visibility rule, over trigram indexes.
  const search = createSearchService({ repo: createSearchRepository(db), conversations: repos.conversations, views });
  const adminAgents = createAdminAgentsService({
    accounts, sessions: webSession.store, assignment, realtime, presence, conversations: repos.conversations,
  });
  // Email (src/email): follow-ups and agent notices through a database outbox.
  const email = createEmailModule({
    config, db, sessionSecret: infra.sessionSecret, log,
    visitorToken: (visitorId) => tokens.sign("v", visitorId), availableAgents: () => assignable.availableAgents(),
  });
  const webhooks = createWebhooksModule({ config, db, repo: webhooksRepo, subscriptions, log });
  const csat = createCsatService(repos.csat);
  const notes = createNotesService({ repo: repos.notes, conversations, announce: realtime.note });
  const onboarding = createOnboarding({ repo: repos.settings, settings, accounts: repos.accounts });
  const diagnostics = createDiagnosticsService({
    repo: repos.diagnostics, visitorIdFromTicket: accounts.visitorIdFromTicket, keepalive: keepaliveOf(config),
  });
  // Integrations (src/integrations): API keys and the REST API's conversation list.
  const apiKeys = createApiKeysService(createApiKeysRepository(db.prisma), log);
  const conversationList = createConversationListRepository(db.prisma);
  const labels = createLabelsService({ repo: repos.labels, conversations: repos.conversations, views, announce: realtime.conversationChanged });
  const healthDashboard = createHealthDashboard({ realtime, presence, conversations: repos.conversations });

  return {
    config, log, metrics, db, presence, repos, settings, filter, origins, accounts, loginThrottle, writer, realtime, views,
    assignment, lifecycle, conversations, hours, webSession, webAuth, console: consoleService, adminAgents, healthDashboard,
    assignable, onboarding, limiters, socketCaps, uploadLinks, arrivals, visitorSessions, visitorContext, email, csat, notes, labels, plannerStats,
    diagnostics,
    apiKeys, conversationList, search, webhooks,
    /** Stops the timers started here and writes what is queued. */
    async close() {
      stopSweep();
      stopLifecycle();
      stopTokenPrune();
      await email.close();
      await webhooks.close();
      webSession.close();
      settingsSync.close();
      hours.close();
      await sharedCaps?.close();
      await writer.drain();
      await plannerStats.close();
    },
  };
}
export type Services = Awaited<ReturnType<typeof composeServices>>;
