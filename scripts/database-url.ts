// The owner connection for the database scripts: DATABASE_URL when set, else the embedded
// PostgreSQL that `npm start` uses (started for the duration of the script).
import { loadConfig } from '../src/config.js'
import { startEmbeddedPostgres } from '../src/infra/db/embedded.js'

export async function resolveOwnerUrl(): Promise<{ url: string; stop: () => Promise<void> }> {
  const config = loadConfig()
  if (config.database.ownerUrl) return { url: config.database.ownerUrl, stop: async () => {} }
  if (!config.database.embedded) {
    throw new Error('the database scripts need DATABASE_URL (a role that owns the tables)')
  }
  const embedded = await startEmbeddedPostgres(config.dataDir, (message) => console.error(message))
  return { url: embedded.ownerUrl, stop: () => embedded.stop() }
}
