// buildApp(deps) assembles the service: infrastructure first, then each module, explicitly, so
// reading this file shows the whole API. Process concerns (config, listen, signals) are in server.ts.
import cors from '@fastify/cors'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import graphql from './graphql/index.js'
import { Authenticator } from './infra/auth/authenticator.js'
import auth from './infra/auth/plugin.js'
import type { KeySetOptions } from './infra/auth/key-sets.js'
import type { SigningKeys } from './infra/auth/signing-keys.js'
import type { Database } from './infra/db/database.js'
import errors, { clientErrorHandler, frameworkErrors } from './infra/http/errors.js'
import openapi from './infra/http/openapi.js'
import rateLimit from './infra/http/rate-limit.js'
import pressure from './infra/http/pressure.js'
import metrics from './infra/http/metrics.js'
import audit from './infra/http/audit.js'
import idempotency from './infra/http/idempotency.js'
import drain from './infra/http/drain.js'
import textInput from './infra/http/text-input.js'
import numericInput from './infra/http/numeric-input.js'
import { ProblemSchema } from './infra/http/schemas.js'
import calendarRoutes from './modules/calendar/routes.js'
import reportRoutes from './modules/reports/routes.js'
import contactRoutes from './modules/contacts/routes.js'
import healthRoutes from './modules/health/routes.js'
import hostRequestRoutes from './modules/host-requests/routes.js'
import hostRoutes from './modules/hosts/routes.js'
import identityProviderRoutes from './modules/identity-providers/routes.js'
import integrationClientRoutes from './modules/integration-clients/routes.js'
import matchingRoutes from './modules/matching/routes.js'
import matchingCache from './modules/matching/cache.js'
import meetingRoutes from './modules/meetings/routes.js'
import meRoutes from './modules/me/routes.js'
import memberRoutes from './modules/members/routes.js'
import oauthRoutes from './modules/oauth/routes.js'
import outreachRoutes from './modules/outreach/routes.js'
import programRoutes from './modules/programs/routes.js'
import questionRoutes from './modules/questions/routes.js'
import referralRoutes from './modules/referrals/routes.js'
import perspectiveRoutes from './modules/perspectives/routes.js'
import scimRoutes from './modules/scim/routes.js'
import schoolRoutes from './modules/schools/routes.js'
import webhookRoutes from './modules/webhooks/routes.js'
import privacyRoutes from './modules/privacy/routes.js'
import confirmationRoutes from './modules/confirmations/routes.js'
import auditRoutes from './modules/audit/routes.js'
import jobs from './infra/jobs/worker.js'
import { webhookTasks } from './modules/webhooks/jobs.js'
import { webhookDocuments } from './modules/webhooks/openapi.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    database: Database
    /** Where reports and CSV exports read: a read replica (REPORTING_DATABASE_URL), else `database`. */
    reportingDatabase: Database
    keys: SigningKeys
    /** Readiness fails (set on SIGTERM); once close() begins, new requests are refused (drain.ts). */
    lifecycle: { shuttingDown: boolean }
    /** The current time; tests may run the service on a clock of their own. */
    clock: () => Date
  }
}

export interface AppDependencies {
  config: Config
  database: Database
  /** A read replica's Database for reports (infra/db/reporting.ts); default: `database`. */
  reportingDatabase?: Database
  keys: SigningKeys
  /** How identity providers' key sets are fetched and kept; tests shorten the intervals. */
  keySets?: Partial<KeySetOptions>
  logger?: FastifyServerOptions['logger']
  clock?: () => Date
}

/** A calendar feed's URL carries its secret; logs keep the path without it. */
export function redactUrl(url: string): string {
  return url.replace(/^(\/v1\/calendar\/[^/]+\/[^/]+\/)[^/?]+(\.ics)/, '$1[redacted]$2')
}

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    serializers: {
      req: (request: { method: string; url: string; host?: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host ?? request.hostname,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        '*.client_secret',
        '*.clientSecret',
        '*.secret',
        '*.password',
        '*.access_token',
      ],
      censor: '[redacted]',
    },
  }
}

/** Believe X-Forwarded-For for the first `hops` proxies in front of the service. */
function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config, database, keys } = deps
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config),
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Fastify's own answers to these are plain JSON; the onRequest hook below, errors.ts and Node's
    // 'clientError' give them as problem+json instead.
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } },
  })

  app.decorate('config', config)
  app.decorate('database', database)
  app.decorate('reportingDatabase', deps.reportingDatabase ?? database)
  app.decorate('keys', keys)
  app.decorate('lifecycle', { shuttingDown: false })
  app.decorate('clock', deps.clock ?? (() => new Date()))
  // The matching module keeps its candidate hosts per school and drops them on writes that change them.
  await app.register(matchingCache)
  app.addSchema(ProblemSchema)
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
    // While shutting down, a kept-alive connection would hold close() open until its idle timeout.
    if (app.lifecycle.shuttingDown) reply.header('connection', 'close')
  })
  app.addHook('preClose', async () => {
    app.lifecycle.shuttingDown = true
  })

  // Closing waits for every request in progress, also those whose client went away, and refuses new ones.
  await app.register(drain)
  await app.register(errors)
  await app.register(textInput)
  await app.register(numericInput)
  // Authentication first: its onRoute hook checks every route registered after it, plugins' too.
  const authenticator = new Authenticator(database, keys, {
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    platform: config.auth.platform,
    keySets: { allowedHosts: config.auth.jwksAllowedHosts, ...deps.keySets },
  })
  await app.register(auth, { authenticator, database })
  await app.register(rateLimit, { perMinute: config.rateLimitPerMinute, authFailuresPerMinute: config.authFailuresPerMinute, redisUrl: config.redisUrl })
  await app.register(pressure, config.pressure)
  await app.register(metrics, { token: config.metricsToken })
  await app.register(audit, { enabled: config.auditEnabled })
  await app.register(idempotency, { ttlHours: config.idempotencyKeyTtlHours })
  await app.register(openapi, { config, webhooks: webhookDocuments })
  await app.register(formbody, { bodyLimit: Math.min(16384, config.bodyLimitBytes) })
  await app.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : false, exposedHeaders: ['x-request-id', 'retry-after'] })

  await app.register(healthRoutes)
  await app.register(oauthRoutes)
  await app.register(meRoutes)
  await app.register(schoolRoutes)
  await app.register(identityProviderRoutes)
  await app.register(integrationClientRoutes)
  await app.register(memberRoutes)
  await app.register(scimRoutes)
  await app.register(contactRoutes)
  await app.register(outreachRoutes)
  await app.register(referralRoutes)
  await app.register(meetingRoutes)
  await app.register(perspectiveRoutes)
  await app.register(questionRoutes)
  await app.register(calendarRoutes)
  await app.register(hostRoutes)
  await app.register(hostRequestRoutes)
  await app.register(matchingRoutes)
  await app.register(programRoutes)
  await app.register(reportRoutes)
  await app.register(webhookRoutes)
  await app.register(privacyRoutes)
  await app.register(confirmationRoutes)
  await app.register(auditRoutes)
  // The queue runs the tasks modules give it (infra imports no module).
  await app.register(jobs, { tasks: (instance) => [webhookTasks(instance)] })
  await app.register(graphql, { config })
  return app
}
