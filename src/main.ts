// The process: read the configuration, prepare the database, build the app, listen, and shut down
// gracefully (readiness fails first, in-flight requests finish, new ones are refused).
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { type Config, ConfigError, loadConfig } from './config.js'
import { SigningKeys } from './infra/auth/signing-keys.js'
import { Database } from './infra/db/database.js'
import { assertRoleIsUnprivileged } from './infra/db/roles.js'
import { prepareDatabase } from './infra/db/setup.js'
import { seedDemo } from './seed/demo.js'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}
const prepared = await prepareDatabase(config, (message) => console.error(message))
const database = new Database({ url: prepared.appUrl, ...config.database })
await assertRoleIsUnprivileged(database.pool)
if (config.seedDemo) {
  const seeded = await seedDemo(database)
  if (seeded.length) console.error(`seeded demo schools: ${seeded.join(', ')}`)
}
const keys = await SigningKeys.load({ signingKeys: config.auth.signingKeys, production: config.production, dataDir: config.dataDir })
const app = await buildApp({ config, database, keys })

closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error')
  else app.log.info({ signal }, 'shutting down')
  app.lifecycle.shuttingDown = true
  // Readiness now fails; give load balancers time to see it before the listener closes.
  if (config.shutdownReadinessDelayMs) await new Promise((resolve) => setTimeout(resolve, config.shutdownReadinessDelayMs))
  await app.close()
  await database.close()
  await prepared.stop()
})

await app.listen({ host: config.host, port: config.port })
const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${(app.server.address() as { port: number }).port}`
console.error(
  [
    '',
    `Vantage is listening on ${base}`,
    `  API       ${base}/v1`,
    `  Docs      ${base}/docs`,
    ...(config.production ? [] : [`  GraphiQL  ${base}/graphiql`]),
    '',
    ...(config.production
      ? []
      : [
          'A token for a demo student:',
          '  npm run -s token -- --school demo --role student',
          `  curl -H "Authorization: Bearer $(npm run -s token -- --school demo --role student)" ${base}/v1/me`,
          '',
        ]),
  ].join('\n'),
)
