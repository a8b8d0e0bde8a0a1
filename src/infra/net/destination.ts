// Where the service may connect on a school's behalf: webhook receivers and identity providers' key
// sets. A URL must be https to a public address: not loopback, private, link-local (which holds cloud
// metadata endpoints such as 169.254.169.254), unique-local, carrier-grade NAT, multicast or reserved,
// and for IPv6 only global unicast (2000::/3), so that forms embedding an IPv4 address
// (IPv4-compatible ::a9fe:a9fe, NAT64, 6to4, Teredo) cannot reach a private one. The check runs when
// the URL is saved and again on every connection, on the addresses the name resolves to then, and
// the connection uses exactly the addresses checked (so a name that later resolves elsewhere, DNS
// rebinding, is caught). A deployment may allow named hosts, addresses or CIDR ranges
// (WEBHOOK_ALLOWED_HOSTS, JWKS_ALLOWED_HOSTS), which may then also be plain http: a receiver inside
// its own network, or the tests' local receiver.
import dns from 'node:dns'
import type { LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'
import { invalidField } from '../http/problem.js'

export class DestinationRefused extends Error {}

function allowedAddress(address: string, allowed: string[]): boolean {
  const parsed = ipaddr.process(address)
  for (const entry of allowed) {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry)
        if (parsed.kind() === range.kind() && parsed.match([range, bits] as never)) return true
      } else if (ipaddr.isValid(entry) && ipaddr.process(entry).toString() === parsed.toString()) {
        return true
      }
    } catch {
      // an entry that is a host name, not an address
    }
  }
  return false
}

/** Whether an address is public unicast, or explicitly allowed. */
export function addressAllowed(address: string, allowed: string[]): boolean {
  if (!ipaddr.isValid(address)) return false
  return isPublic(ipaddr.process(address)) || allowedAddress(address, allowed)
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3')

function isPublic(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.range() !== 'unicast') return false
  return address.kind() === 'ipv4' || (address as ipaddr.IPv6).match(GLOBAL_UNICAST_V6 as [ipaddr.IPv6, number])
}

function hostAllowed(hostname: string, allowed: string[]): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return allowed.includes(bare) || (ipaddr.isValid(bare) && allowedAddress(bare, allowed))
}

export interface DestinationOptions {
  /** The field a refusal names (a 400 of the request that saves the URL). */
  field?: string
  /** Plain http to any host (identity providers in development; JWKS_ALLOW_HTTP). */
  allowHttp?: boolean
  /**
   * Accept a name that does not resolve now. The check on every connection still refuses it should it
   * ever resolve to a refused address. Identity providers are often registered before their names
   * are published; a webhook is tried at once, so its name must resolve.
   */
  acceptUnresolved?: boolean
}

/** Checks a URL before it is saved; throws a 400 naming the field. Resolves the name, as a connection will. */
export async function checkDestination(raw: string, allowed: string[], options: DestinationOptions = {}): Promise<string> {
  const field = options.field ?? 'body.url'
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw invalidField(field, 'must be an absolute URL')
  }
  if (url.username || url.password) throw invalidField(field, 'must not carry credentials')
  if (url.hash) throw invalidField(field, 'must not have a fragment')
  const named = hostAllowed(url.hostname, allowed)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (named || options.allowHttp))) {
    throw invalidField(field, options.allowHttp ? 'must be an http or https URL' : 'must be an https URL')
  }
  if (named && allowed.includes(url.hostname.toLowerCase())) return url.toString()
  try {
    await resolveChecked(url.hostname.replace(/^\[|\]$/g, ''), allowed)
  } catch (error) {
    if (error instanceof DestinationRefused) throw invalidField(field, error.message)
    if (!options.acceptUnresolved) throw invalidField(field, 'does not resolve to an address')
  }
  return url.toString()
}

async function resolveChecked(hostname: string, allowed: string[]): Promise<dns.LookupAddress[]> {
  const addresses = ipaddr.isValid(hostname) ? [{ address: hostname, family: ipaddr.parse(hostname).kind() === 'ipv6' ? 6 : 4 }] : await dns.promises.lookup(hostname, { all: true })
  if (!addresses.length) throw new Error('no address')
  const refused = addresses.find((entry) => !addressAllowed(entry.address, allowed))
  if (refused) throw new DestinationRefused(`resolves to ${refused.address}, a loopback, private, link-local or reserved address`)
  return addresses
}

/** A `lookup` for http.request that only ever connects to checked addresses. */
export function checkedLookup(allowed: string[]): LookupFunction {
  return (hostname, options, callback) => {
    const named = allowed.includes(hostname.toLowerCase())
    const resolve = named ? dns.promises.lookup(hostname, { all: true }) : resolveChecked(hostname, allowed)
    resolve.then(
      (addresses) => {
        if ((options as { all?: boolean }).all) (callback as (error: null, addresses: dns.LookupAddress[]) => void)(null, addresses)
        else callback(null, addresses[0]!.address, addresses[0]!.family)
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    )
  }
}
