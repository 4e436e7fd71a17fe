import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/**
 * Which peers may speak for the client through `X-Forwarded-For`, `-Proto` and `-Host`:
 * `false` (default) none; `true` any; a number, that many hops (proxies in front of the app); a
 * list of addresses or CIDR ranges (`"10.0.0.0/8"`, or `"loopback"`, `"uniquelocal"`); or a
 * function deciding per address and hop.
 */
export type TrustProxy =
  | boolean
  | number
  | string
  | readonly string[]
  | ((address: string, hop: number) => boolean);

export type Trust = (address: string, hop: number) => boolean;

/** Compiles the `trustProxy` option once; `undefined` when nothing is trusted. */
export function compileTrust(option: TrustProxy | undefined): Trust | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return () => true;
  if (typeof option === "number") return (_address, hop) => hop < option;
  if (typeof option === "function") return option;
  return proxyaddr.compile(typeof option === "string" ? option.split(/\s*,\s*/) : [...option]);
}

/** The client's address: the peer's, or the nearest untrusted one in `X-Forwarded-For`. */
export function clientAddress(req: IncomingMessage, trust: Trust | undefined): string | undefined {
  if (!trust) return req.socket?.remoteAddress;
  return proxyaddr(req, trust);
}

/** A forwarded header's first value, when the peer is trusted to send it. */
export function forwarded(
  req: IncomingMessage,
  trust: Trust | undefined,
  name: string,
): string | undefined {
  if (!trust) return undefined;
  const peer = req.socket?.remoteAddress;
  if (peer === undefined || !trust(peer, 0)) return undefined;
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  const first = text?.split(",")[0]?.trim();
  return first || undefined;
}
