// The service's own signing keys: they sign client-credentials tokens, development tokens and
// platform tokens, and their public halves are published at /.well-known/jwks.json. Keys come from
// SIGNING_KEYS (a JSON array of private JWKs; the first signs, every one verifies, so a new key can
// be added ahead of a rotation). Outside production a key is generated once and kept in DATA_DIR.
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  type CryptoKey,
  type JWK,
  type JWTPayload,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
} from 'jose'

export const SERVICE_ALGORITHMS = ['ES256', 'EdDSA'] as const

export interface PrivateJwk extends JWK {
  kid: string
  alg: (typeof SERVICE_ALGORITHMS)[number]
}

export class SigningKeys {
  readonly publicJwks: { keys: JWK[] }
  readonly keySet: ReturnType<typeof createLocalJWKSet>
  readonly #active: { kid: string; alg: string; key: CryptoKey }

  private constructor(active: { kid: string; alg: string; key: CryptoKey }, publicJwks: JWK[]) {
    this.#active = active
    this.publicJwks = { keys: publicJwks }
    this.keySet = createLocalJWKSet(this.publicJwks)
  }

  static async fromJwks(jwks: PrivateJwk[]): Promise<SigningKeys> {
    if (!Array.isArray(jwks) || jwks.length === 0) throw new Error('SIGNING_KEYS must be a non-empty JSON array of private JWKs')
    for (const jwk of jwks) {
      if (!jwk.kid || !SERVICE_ALGORITHMS.includes(jwk.alg) || !jwk.d) {
        throw new Error('every signing key needs "kid", "alg" (ES256 or EdDSA) and its private part')
      }
    }
    const first = jwks[0]!
    const key = (await importJWK(first, first.alg)) as CryptoKey
    const publicJwks = jwks.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart }) => ({ ...publicPart, use: 'sig' }))
    return new SigningKeys({ kid: first.kid, alg: first.alg, key }, publicJwks)
  }

  static async generate(): Promise<PrivateJwk> {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256' } as PrivateJwk
  }

  /** SIGNING_KEYS when configured; else the development key under dataDir, created on first use. */
  static async load(options: { signingKeys?: string; production: boolean; dataDir: string }): Promise<SigningKeys> {
    if (options.signingKeys) return SigningKeys.fromJwks(JSON.parse(options.signingKeys) as PrivateJwk[])
    if (options.production) throw new Error('SIGNING_KEYS is required in production')
    const file = path.resolve(options.dataDir, 'dev-signing-keys.json')
    let keys: PrivateJwk[]
    try {
      keys = JSON.parse(await readFile(file, 'utf8')) as PrivateJwk[]
    } catch {
      keys = [await SigningKeys.generate()]
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, JSON.stringify(keys), { mode: 0o600, flag: 'wx' }).catch(async () => {
        keys = JSON.parse(await readFile(file, 'utf8')) as PrivateJwk[] // written meanwhile by another process
      })
    }
    return SigningKeys.fromJwks(keys)
  }

  /** Signs an access token (`typ` at+jwt, RFC 9068) unless another type is named (confirmation links). */
  sign(claims: JWTPayload, options: { issuer: string; audience: string; subject: string; ttlSeconds: number; typ?: string }): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.#active.alg, kid: this.#active.kid, typ: options.typ ?? 'at+jwt' })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(options.subject)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${options.ttlSeconds}s`)
      .sign(this.#active.key)
  }
}
