import type { FastifyInstance } from 'fastify'
import { SCOPES } from '../../infra/auth/principal.js'
import { verifySecret } from '../../infra/auth/secrets.js'
import { Problem } from '../../infra/http/problem.js'

const invalidClient = () =>
  new Problem('client-invalid', 'Unknown client, wrong secret, or the client is disabled', {
    extensions: { error: 'invalid_client' },
    headers: { 'www-authenticate': 'Basic realm="vantage"' },
  })

export async function issueClientToken(
  app: FastifyInstance,
  request: { grantType: string; clientId?: string; clientSecret?: string; scope?: string },
) {
  if (request.grantType !== 'client_credentials') {
    throw new Problem('unsupported-grant-type', 'Only grant_type=client_credentials is supported', { extensions: { error: 'unsupported_grant_type' } })
  }
  const { clientId, clientSecret } = request
  if (!clientId || !clientSecret || clientId.includes('\u0000') || clientSecret.includes('\u0000')) throw invalidClient()
  const dot = clientId.indexOf('.')
  const slug = dot > 0 ? clientId.slice(0, dot) : undefined
  const school = slug ? await app.database.platform.school.findUnique({ where: { slug }, select: { id: true, status: true } }) : null
  if (!school) throw invalidClient()
  const { db } = app.database.forSchool(school.id)
  const client = await db.integrationClient.findUnique({ where: { schoolId_clientId: { schoolId: school.id, clientId } } })
  if (!client || !client.enabled || !(await verifySecret(clientSecret, client.secretHash))) throw invalidClient()
  if (school.status !== 'active') throw new Problem('school-disabled', undefined, { extensions: { error: 'invalid_client' } })

  const asked = request.scope?.split(/\s+/).filter(Boolean)
  const unknown = asked?.filter((scope) => !client.scopes.includes(scope) || !(SCOPES as readonly string[]).includes(scope))
  if (unknown?.length) {
    // RFC 6749 §5.2: invalid_scope is a 400 like every token error other than invalid_client.
    throw new Problem('validation-failed', `The client does not hold: ${unknown.join(' ')}`, {
      extensions: { error: 'invalid_scope', errors: [{ field: 'body.scope', message: `holds no ${unknown.join(', ')}` }] },
    })
  }
  const scope = (asked ?? client.scopes).join(' ')
  const ttlSeconds = app.config.auth.accessTokenTtlSeconds
  const accessToken = await app.keys.sign(
    { token_use: 'client', school: school.id, scope },
    { issuer: app.config.auth.issuer, audience: app.config.auth.audience, subject: clientId, ttlSeconds },
  )
  await db.integrationClient.update({ where: { schoolId_id: { schoolId: school.id, id: client.id } }, data: { lastUsedAt: new Date() } })
  return { access_token: accessToken, token_type: 'Bearer' as const, expires_in: ttlSeconds, scope }
}
