import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'

describe('configuration', () => {
  it('runs with no configuration at all on the embedded database', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.database.embedded).toBe(true)
    expect(config.database.migrateOnStart).toBe(true)
    expect(config.seedDemo).toBe(true)
    expect(config.auth.issuer).toBe('urn:vantage:development')
    expect(config.reportExportMaxRows).toBe(100_000)
  })

  it('converts and validates values', () => {
    const config = loadConfig({ PORT: '8080', MIGRATE_ON_START: 'false', DATABASE_URL: 'postgresql://u@h/db', CORS_ORIGINS: 'https://a.edu, https://b.edu' })
    expect(config.port).toBe(8080)
    expect(config.database.migrateOnStart).toBe(false)
    expect(config.database.embedded).toBe(false)
    expect(config.corsOrigins).toEqual(['https://a.edu', 'https://b.edu'])
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be integer/)
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError)
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/)
  })

  it('refuses unsafe production settings', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL or APP_DATABASE_URL is required/)
    expect(() => loadConfig({ NODE_ENV: 'production', APP_DATABASE_URL: 'postgresql://a@h/db' })).toThrow(/SIGNING_KEYS is required/)
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://a@h/db', SIGNING_KEYS: '[]' })).toThrow(/APP_DATABASE_URL or APP_DB_PASSWORD/)
    const config = loadConfig({ NODE_ENV: 'production', APP_DATABASE_URL: 'postgresql://a@h/db', SIGNING_KEYS: '[]' })
    expect(config.seedDemo).toBe(false)
    expect(config.auth.allowHttpJwks).toBe(false)
    expect(config.auth.jwksAllowedHosts).toEqual([])
  })

  it('allows JWKS fetches to loopback only outside production unless told otherwise', () => {
    expect(loadConfig({}).auth.jwksAllowedHosts).toEqual(['localhost', '127.0.0.0/8', '::1'])
    expect(loadConfig({ JWKS_ALLOWED_HOSTS: 'none' }).auth.jwksAllowedHosts).toEqual([])
    expect(loadConfig({ JWKS_ALLOWED_HOSTS: 'SSO.Campus.internal, 10.20.0.0/16' }).auth.jwksAllowedHosts).toEqual(['sso.campus.internal', '10.20.0.0/16'])
    const production = { NODE_ENV: 'production', APP_DATABASE_URL: 'postgresql://a@h/db', SIGNING_KEYS: '[]' }
    expect(loadConfig({ ...production, JWKS_ALLOWED_HOSTS: '10.20.0.5' }).auth.jwksAllowedHosts).toEqual(['10.20.0.5'])
  })

  it('bounds GraphQL requests apart from, and below, REST bodies', () => {
    const config = loadConfig({})
    expect([config.bodyLimitBytes, config.graphqlBodyLimitBytes, config.graphqlMaxTokens]).toEqual([1048576, 32768, 2000])
    expect(loadConfig({ GRAPHQL_BODY_LIMIT_BYTES: '65536', GRAPHQL_MAX_TOKENS: '5000' })).toMatchObject({ graphqlBodyLimitBytes: 65536, graphqlMaxTokens: 5000 })
    for (const value of ['512', '2097152', 'Infinity', 'big']) {
      expect(() => loadConfig({ GRAPHQL_BODY_LIMIT_BYTES: value }), value).toThrow(/GRAPHQL_BODY_LIMIT_BYTES/)
    }
    for (const value of ['50', '1000000', 'Infinity', 'many']) {
      expect(() => loadConfig({ GRAPHQL_MAX_TOKENS: value }), value).toThrow(/GRAPHQL_MAX_TOKENS/)
    }
  })

  it('takes the platform issuer only as a whole', () => {
    expect(() => loadConfig({ PLATFORM_ISSUER: 'https://op' })).toThrow(/go together/)
  })
})
