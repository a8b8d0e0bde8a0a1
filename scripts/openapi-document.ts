// The OpenAPI document exactly as the service generates it from its route schemas. The app is built
// without touching a database (the pool connects lazily and nothing is queried).
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { SigningKeys } from '../src/infra/auth/signing-keys.js'
import { Database } from '../src/infra/db/database.js'

export async function generateOpenApiYaml(): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'production', APP_DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused', SIGNING_KEYS: '[]', LOG_LEVEL: 'silent', JOBS_ENABLED: 'false' })
  const database = new Database({ ...config.database, url: config.database.appUrl! })
  const keys = await SigningKeys.fromJwks([await SigningKeys.generate()])
  const app = await buildApp({ config, database, keys, logger: false })
  try {
    await app.ready()
    return app.swagger({ yaml: true })
  } finally {
    await app.close()
    await database.close()
  }
}
