// The little of the PostgreSQL wire protocol the embedded server speaks itself: framing
// (a client's bytes arrive in arbitrary chunks; PGlite must get whole messages) and the
// startup exchange, which PGlite's single-user backend does not do (there is no login:
// the socket lives in DATA_DIR, so whoever can reach it can already read the files).
// Everything after startup is PGlite's own protocol handling (execProtocolRaw).

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

export type Startup = "ssl" | "startup" | "cancel";

/** The first message of a connection has no type byte: length, then a request code. */
export function readStartup(buf: Buffer): { kind: Startup; length: number } | null {
  if (buf.length < 8) return null;
  const length = buf.readInt32BE(0);
  if (buf.length < length) return null;
  const code = buf.readInt32BE(4);
  if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: "ssl", length };
  if (code === CANCEL_REQUEST) return { kind: "cancel", length };
  return { kind: "startup", length };
}

/** The length of the whole messages at the start of buf (type byte + int32 length each). */
export function wholeMessages(buf: Buffer): number {
  let at = 0;
  while (buf.length - at >= 5) {
    const end = at + 1 + buf.readInt32BE(at + 1);
    if (end > buf.length) break;
    at = end;
  }
  return at;
}

/** The transaction status of the last ReadyForQuery in a server reply ("I" idle, "T" in a
 *  transaction, "E" in a failed one), or null when the reply has none (no Sync yet). */
export function lastReadyStatus(out: Uint8Array): string | null {
  let at = 0;
  let status: string | null = null;
  const view = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  while (view.length - at >= 5) {
    const type = view[at];
    const len = view.readInt32BE(at + 1);
    if (type === 0x5a && len === 5 && at + 5 < view.length) status = String.fromCharCode(view[at + 5]!);
    at += 1 + len;
  }
  return status;
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const param = (name: string, value: string) => message("S", Buffer.from(`${name}\0${value}\0`));

/** The server's answer to a StartupMessage: trusted login, the parameters drivers read,
 *  a key (cancel requests are not supported), ready and idle. */
export function startupReply(serverVersion: string): Buffer {
  const auth = Buffer.alloc(4); // AuthenticationOk
  const key = Buffer.alloc(8);
  return Buffer.concat([
    message("R", auth),
    param("server_version", serverVersion),
    param("server_encoding", "UTF8"),
    param("client_encoding", "UTF8"),
    param("DateStyle", "ISO, MDY"),
    param("integer_datetimes", "on"),
    param("standard_conforming_strings", "on"),
    message("K", key),
    message("Z", Buffer.from("I")),
  ]);
}

/** A simple-protocol query, for the server's own ROLLBACK of an abandoned transaction. */
export const simpleQuery = (sql: string) => message("Q", Buffer.from(`${sql}\0`));
