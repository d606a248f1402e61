// What the diagnostics page may send: its measured results (bounded: 600 RTT samples is
// 30 s at two a second with room to spare), the ticket from the visitor's chat, and the
// one message an idle probe's WebSocket carries. Strict, like every other input.
import { z } from "zod";

const ms = z.number().finite().min(0).max(600_000);
const transportCheck = z.strictObject({ ok: z.boolean(), ms: ms.optional(), error: z.string().max(200).optional() });

export const IDLE_PROBE_MAX_SEC = 300;

export const ResultsSchema = z.strictObject({
  websocket: transportCheck,
  polling: transportCheck,
  upgrade: z.strictObject({ ok: z.boolean() }),
  rtt: z.strictObject({ samples: z.array(ms).max(600), lost: z.number().int().min(0).max(600) }),
  throughput: z.strictObject({
    downKbps: z.number().finite().min(0).max(10_000_000).nullable(),
    upKbps: z.number().finite().min(0).max(10_000_000).nullable(),
  }),
  clockOffsetMs: z.number().finite().min(-10 * 365 * 86_400_000).max(10 * 365 * 86_400_000).nullable(),
  idle: z.array(z.strictObject({ afterSec: z.number().int().min(1).max(IDLE_PROBE_MAX_SEC), survived: z.boolean() })).max(8),
});

export const ReportSchema = z.strictObject({
  results: ResultsSchema,
  /** From the visitor's `ready` (diagnosticsTicket): links the report to them. */
  ticket: z.string().max(300).optional(),
  /** The network type the browser names (navigator.connection), when it does. */
  connection: z.string().max(40).optional(),
});

export const ReportIdSchema = z.string().regex(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/, "a report id looks like K7QM-4T2X");

/** `diag:ping` on the /diagnostics namespace: the page's clock, echoed. */
export const DiagPingSchema = z.strictObject({ t: z.number().finite() });

/** An idle probe asks once to be left in silence for `hold` ms, then told it survived. */
export const ProbeHoldSchema = z.strictObject({ hold: z.number().int().min(1000).max(IDLE_PROBE_MAX_SEC * 1000) });

/** The download test's size (KiB) and the upload's body cap. */
export const BlobQuerySchema = z.strictObject({ kb: z.coerce.number().int().min(1).max(2048) });
export const UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
