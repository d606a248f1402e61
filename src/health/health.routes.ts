// Liveness, readiness and Prometheus metrics.
import { Router, type ErrorRequestHandler } from "express";
import { isDependency, type Metrics } from "../lib/metrics.js";
import { metricsAccess } from "./metrics-access.js";

export interface HealthDeps {
  /** Each dependency's cheapest round trip (readiness): resolves when it answers. */
  checks: Record<string, () => Promise<unknown>>;
  /** This instance's registry (lib/metrics.ts). */
  metrics: Pick<Metrics, "expose" | "dependencyError">;
  /** METRICS_TOKEN: set, /metrics needs it as a bearer token; unset, loopback clients only. */
  metricsToken?: string;
}

export function healthRoutes(d: HealthDeps) {
  const r = Router();
  r.get("/healthz", (_req, res) => void res.json({ ok: true }));

  r.get("/readyz", async (_req, res) => {
    const checks: Record<string, boolean> = {};
    const timeout = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), 2000).unref())]);
    for (const [name, check] of Object.entries(d.checks)) {
      checks[name] = await timeout(check()).then(() => true, () => false);
      if (!checks[name] && isDependency(name)) d.metrics.dependencyError(name);
    }
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ ok, checks });
  });

  r.get("/metrics", async (req, res) => {
    const access = metricsAccess(req, d.metricsToken);
    if (access === "AUTH_INVALID") {
      res.status(401).set("WWW-Authenticate", "Bearer").json({ error: { code: access, message: "a valid metrics token is required" } });
      return;
    }
    if (access === "FORBIDDEN") {
      res.status(403).json({ error: { code: access, message: "metrics are served to loopback clients only (or set METRICS_TOKEN)" } });
      return;
    }
    const { contentType, body } = await d.metrics.expose();
    res.set("Cache-Control", "no-store").type(contentType).send(body);
  });
  return r;
}

/** Error middleware in front of the error handler: counts the dependency errors that
 *  reach it (holdfast_dependency_errors_total) and hands every error on unchanged. */
export function countDependencyErrors(metrics: Pick<Metrics, "observeError">): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    metrics.observeError(err);
    next(err);
  };
}
