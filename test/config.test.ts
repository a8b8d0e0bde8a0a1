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
  })

  it('takes the platform issuer only as a whole', () => {
    expect(() => loadConfig({ PLATFORM_ISSUER: 'https://op' })).toThrow(/go together/)
  })
})
