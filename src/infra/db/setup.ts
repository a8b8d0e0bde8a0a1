// Bringing the database to a usable state at start-up: the embedded server when none is configured,
// migrations as the owner, the service role created or checked, then the service's own connection.
import type { Config } from '../../config.js'
import { startEmbeddedPostgres } from './embedded.js'
import { ensureAppRole } from './roles.js'
import { applyMigrations } from './schema-engine.js'

export interface PreparedDatabase {
  ownerUrl?: string
  appUrl: string
  stop(): Promise<void>
}

export function withCredentials(url: string, user: string, password: string | undefined): string {
  const parsed = new URL(url)
  parsed.username = encodeURIComponent(user)
  parsed.password = password ? encodeURIComponent(password) : ''
  return parsed.toString()
}

const DEVELOPMENT_APP_PASSWORD = 'vantage-development-only'

export async function prepareDatabase(config: Config, log: (message: string) => void): Promise<PreparedDatabase> {
  const settings = config.database
  let ownerUrl = settings.ownerUrl
  let appPassword = settings.appPassword
  let stop = async () => {}
  if (settings.embedded) {
    const embedded = await startEmbeddedPostgres(config.dataDir, log)
    ownerUrl = embedded.ownerUrl
    appPassword ??= embedded.appPassword
    stop = () => embedded.stop()
  }
  const appUrl = settings.appUrl ?? withCredentials(ownerUrl!, settings.appRole, appPassword ?? DEVELOPMENT_APP_PASSWORD)
  if (ownerUrl && settings.migrateOnStart) {
    const applied = await applyMigrations(ownerUrl)
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`)
  }
  if (ownerUrl) {
    const role = decodeURIComponent(new URL(appUrl).username)
    await ensureAppRole(ownerUrl, role, appPassword ?? (settings.appUrl ? decodeURIComponent(new URL(appUrl).password) : DEVELOPMENT_APP_PASSWORD))
  }
  return { ownerUrl, appUrl, stop }
}

/** The service connection of an already prepared database (used by the token command). */
export async function existingAppUrl(config: Config): Promise<string> {
  const settings = config.database
  if (settings.appUrl) return settings.appUrl
  if (settings.ownerUrl) return withCredentials(settings.ownerUrl, settings.appRole, settings.appPassword ?? DEVELOPMENT_APP_PASSWORD)
  const { readEmbeddedState } = await import('./embedded.js')
  const state = await readEmbeddedState(config.dataDir)
  if (!state) throw new Error('no database yet: run `npm start` first')
  return `postgresql://${settings.appRole}:${encodeURIComponent(state.appPassword)}@127.0.0.1:${state.port}/vantage`
}
