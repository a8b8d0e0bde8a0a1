// Identity providers' key sets, fetched and kept per provider. jose's createRemoteJWKSet is not used:
// it cannot bound the answer's size, connect only to addresses the outbound policy allows, or keep
// serving known keys while the provider is down. The rules:
// - fetched only where the outbound policy allows (infra/net), in at most `timeoutMs`, reading at
//   most `maxBytes` and keeping at most `maxKeys` keys (only the members a public key needs);
// - fresh for `maxAgeMs`; after that the next token that needs the set is verified with the keys
//   known while a refresh runs in the background (stale-while-revalidate);
// - while refreshes fail, known keys keep verifying for up to `staleMaxMs` after the last good fetch
//   (stale-while-error), and no fetch is tried again for `failureCooldownMs`; a token that needs a
//   fetch meanwhile answers 503 with Retry-After;
// - a key id not in the set (a rotation) fetches at once, unless the previous fetch began less than
//   `unknownKeyIntervalMs` ago (then 401: made-up key ids cannot make it fetch more often than that);
//   concurrent needs share one fetch;
// - at most `maxEntries` providers' sets are kept (least recently used dropped), so memory is bounded
//   however many schools are active.
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose'
import { LRUCache } from 'lru-cache'
import { Problem } from '../http/problem.js'
import { boundedGet } from '../net/bounded-get.js'

export interface KeySetOptions {
  /** Hosts, addresses or CIDR ranges allowed besides public addresses (JWKS_ALLOWED_HOSTS). */
  allowedHosts: string[]
  timeoutMs: number
  maxBytes: number
  maxKeys: number
  maxAgeMs: number
  staleMaxMs: number
  failureCooldownMs: number
  unknownKeyIntervalMs: number
  maxEntries: number
  now: () => number
}

export const KEY_SET_DEFAULTS: KeySetOptions = {
  allowedHosts: [],
  timeoutMs: 3000,
  maxBytes: 256 * 1024,
  maxKeys: 64,
  maxAgeMs: 10 * 60_000,
  staleMaxMs: 24 * 60 * 60_000,
  failureCooldownMs: 30_000,
  unknownKeyIntervalMs: 1000,
  maxEntries: 10_000,
  now: () => Date.now(),
}

/** The members of a JWK that verification reads; x5c chains and the like are dropped. */
const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'key_ops', 'crv', 'x', 'y', 'n', 'e'] as const

interface Entry {
  source: string
  keys?: { getKey: JWTVerifyGetKey; fetchedAt: number }
  /** When the last fetch began. */
  attemptedAt: number
  /** No fetch before this (a fetch failed). */
  coolingUntil: number
  inflight?: Promise<void>
}

class KeySetUnusable extends Error {}

function parseKeySet(body: Buffer, maxKeys: number): JSONWebKeySet {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw new KeySetUnusable('the answer is not JSON')
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys)) throw new KeySetUnusable('the answer is not a JSON Web Key Set')
  if (keys.length > maxKeys) throw new KeySetUnusable(`the key set holds ${keys.length} keys, more than ${maxKeys}`)
  const slim = keys
    .filter((key): key is Record<string, unknown> => typeof key === 'object' && key !== null && typeof (key as JWK).kty === 'string')
    .map((key) => Object.fromEntries(PUBLIC_MEMBERS.filter((member) => key[member] !== undefined).map((member) => [member, key[member]])) as JWK)
  return { keys: slim }
}

export class KeySets {
  readonly #options: KeySetOptions
  readonly #entries: LRUCache<string, Entry>

  constructor(options: Partial<KeySetOptions> = {}) {
    this.#options = { ...KEY_SET_DEFAULTS, ...options }
    this.#entries = new LRUCache({ max: this.#options.maxEntries })
  }

  /** Keys configured inline with the provider: nothing to fetch. `version` changes when they do. */
  inline(id: string, version: string, jwks: JSONWebKeySet): JWTVerifyGetKey {
    const source = `inline:${version}`
    let entry = this.#entries.get(id)
    if (entry?.source !== source) {
      entry = { source, keys: { getKey: createLocalJWKSet(jwks), fetchedAt: Infinity }, attemptedAt: 0, coolingUntil: 0 }
      this.#entries.set(id, entry)
    }
    return entry.keys!.getKey
  }

  /**
   * Keys fetched from `url`. `trusted`: the deployment configured the URL itself (the platform's
   * JWKS), so the address policy does not apply to it.
   */
  remote(id: string, url: string, trusted = false): JWTVerifyGetKey {
    return (header, token) => this.#key(id, url, trusted, header, token)
  }

  async #key(id: string, url: string, trusted: boolean, ...args: Parameters<JWTVerifyGetKey>) {
    let entry = this.#entries.get(id)
    if (entry?.source !== url) {
      entry = { source: url, attemptedAt: -Infinity, coolingUntil: 0 }
      this.#entries.set(id, entry)
    }
    const now = this.#options.now()
    const known = entry.keys && now - entry.keys.fetchedAt <= this.#options.staleMaxMs ? entry.keys : undefined
    if (known) {
      if (now - known.fetchedAt > this.#options.maxAgeMs && !entry.inflight && now >= entry.coolingUntil) {
        this.#refresh(entry, trusted).catch(() => {}) // verified with the known keys meanwhile
      }
      try {
        return await known.getKey(...args)
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error
        // A key id the set does not hold: the provider may have rotated its keys. While its fetches
        // fail, that cannot be known (503, try later); just after a fetch, the key is not the provider's.
        if (!entry.inflight && now < entry.coolingUntil) throw this.#unavailable(entry)
        if (!entry.inflight && now - entry.attemptedAt < this.#options.unknownKeyIntervalMs) throw error
      }
    } else if (!entry.inflight && now < entry.coolingUntil) {
      throw this.#unavailable(entry)
    }
    await (entry.inflight ?? this.#refresh(entry, trusted))
    return entry.keys!.getKey(...args)
  }

  #refresh(entry: Entry, trusted: boolean): Promise<void> {
    entry.inflight ??= this.#fetch(entry, trusted).finally(() => {
      entry.inflight = undefined
    })
    return entry.inflight
  }

  async #fetch(entry: Entry, trusted: boolean): Promise<void> {
    const { allowedHosts, timeoutMs, maxBytes, maxKeys, now } = this.#options
    entry.attemptedAt = now()
    try {
      const { status, body } = await boundedGet(entry.source, { allowedHosts, trusted, timeoutMs, maxBytes })
      if (status !== 200) throw new KeySetUnusable(`the key set's URL answered ${status}`)
      entry.keys = { getKey: createLocalJWKSet(parseKeySet(body, maxKeys)), fetchedAt: now() }
      entry.coolingUntil = 0
    } catch (error) {
      entry.coolingUntil = now() + this.#options.failureCooldownMs
      throw this.#unavailable(entry, error)
    }
  }

  #unavailable(entry: Entry, cause?: unknown): Problem {
    const seconds = Math.max(1, Math.ceil((entry.coolingUntil - this.#options.now()) / 1000))
    return new Problem('service-unavailable', 'The identity provider\'s keys could not be fetched', { headers: { 'retry-after': String(seconds) }, cause })
  }
}
