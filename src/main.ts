// The process: read the configuration, prepare the database, build the app, listen, and shut down
// gracefully (readiness fails first, in-flight requests finish, new ones are refused).
import { constants } from 'node:os'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { type Config, ConfigError, loadConfig } from './config.js'
import { SigningKeys } from './infra/auth/signing-keys.js'
import { Database } from './infra/db/database.js'
import { reportingDatabase } from './infra/db/reporting.js'
import { EmbeddedDatabaseError } from './infra/db/embedded.js'
import { type PreparedDatabase, prepareDatabase } from './infra/db/setup.js'
import { seedDemo } from './seed/demo.js'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}
// Until the graceful shutdown below is in place, a signal ends the start-up at once, by exiting rather
// than dying of it: an exit lets the embedded PostgreSQL's exit hook stop it (embedded.ts).
const exitOnSignal = (signal: NodeJS.Signals) => process.exit(128 + (constants.signals[signal] ?? 0))
process.once('SIGTERM', exitOnSignal).once('SIGINT', exitOnSignal)
let prepared: PreparedDatabase
try {
  prepared = await prepareDatabase(config, (message) => console.error(message))
} catch (error) {
  if (!(error instanceof EmbeddedDatabaseError)) throw error
  console.error(error.message)
  process.exit(1)
}
const database = new Database({ url: prepared.appUrl, ...config.database })
await database.assertUnprivileged()
const reporting = reportingDatabase(config, database)
if (reporting !== database) await reporting.assertUnprivileged()
if (config.seedDemo) {
  const seeded = await seedDemo(database)
  if (seeded.length) console.error(`seeded demo schools: ${seeded.join(', ')}`)
}
const keys = await SigningKeys.load({ signingKeys: config.auth.signingKeys, production: config.production, dataDir: config.dataDir })
const app = await buildApp({ config, database, reportingDatabase: reporting, keys })

process.removeListener('SIGTERM', exitOnSignal).removeListener('SIGINT', exitOnSignal)
// The order: readiness fails; the app stops taking requests, finishes those in progress (also those
// whose client left, infra/http/drain.ts), closes the listener, the job runner and the batched
// writes; then the pools close, and only then the embedded PostgreSQL stops.
closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error')
  else app.log.info({ signal }, 'shutting down')
  app.lifecycle.shuttingDown = true
  // Readiness now fails; give load balancers time to see it before the listener closes.
  if (config.shutdownReadinessDelayMs) await new Promise((resolve) => setTimeout(resolve, config.shutdownReadinessDelayMs))
  await app.close()
  await database.close()
  if (reporting !== database) await reporting.close()
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
    ...(config.graphiqlEnabled ? [`  GraphiQL  ${base}/graphiql`] : []),
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
