// The numbers and pure rules of login throttling (login-throttle.ts applies them). Failed
// password checks count per (account, client address): the first few are free, then each
// further attempt from that address waits a delay that doubles, up to MAX_DELAY_S. Each
// address also has a cap on failures across all accounts. Nothing counts per account
// alone: guesses from other addresses would then lock the agent out of their own.
import { isIPv4, isIPv6 } from "node:net";

/** Failed attempts of one (account, address) before delays start. */
export const FREE_FAILURES = 5;
/** The longest wait between two attempts of one (account, address): 15 minutes. */
export const MAX_DELAY_S = 15 * 60;
/** How long one (account, address)'s count of failures lasts after its first one. */
export const FAILURES_WINDOW_S = 24 * 3600;
/** Failed attempts allowed to one address (all accounts together) per ADDRESS_WINDOW_S;
 *  past them the address is refused for ADDRESS_BLOCK_S, right password or not. */
export const ADDRESS_FAILURES = 100;
export const ADDRESS_WINDOW_S = 3600;
export const ADDRESS_BLOCK_S = 3600;

/** The wait after the n-th consecutive failure (n counted from 1): none before
 *  FREE_FAILURES, then 1 s, 2 s, 4 s... up to MAX_DELAY_S. */
export function delaySeconds(n: number): number {
  if (n < FREE_FAILURES) return 0;
  return Math.min(2 ** Math.min(n - FREE_FAILURES, 30), MAX_DELAY_S);
}

/** The 16-bit groups of an IPv6 address, `::` expanded (an embedded IPv4 counts as two). */
function ipv6Groups(ip: string): string[] {
  const [head, tail] = ip.split("%")[0].split("::");
  const part = (s: string | undefined) => (s ? s.split(":").flatMap((g) => (g.includes(".") ? ["v4", "v4"] : [g])) : []);
  const h = part(head);
  const t = part(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - h.length - t.length).fill("0");
  return [...h, ...zeros, ...t].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""));
}

/** Who a client address is, for counting: an IPv4 address as it is (IPv4-mapped IPv6
 *  included), an IPv6 address by its /64, the smallest network a subscriber is given
 *  (each of its 2^64 addresses would otherwise be a fresh budget). */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIPv4(ip) || !isIPv6(ip.split("%")[0])) return ip;
  return `${ipv6Groups(ip).slice(0, 4).join(":")}::/64`;
}
