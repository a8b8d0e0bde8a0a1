// npm run -s token -- --school demo --role student [--member <externalId>] [--ttl <seconds>]
// Prints a development token signed with the service's development key, for a member of a school
// (a seeded member of that role unless --member names one), or --role platform_admin for the
// platform operator. Refuses to run in production.
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { SCHOOL_ROLES, isSchoolRole } from '../infra/auth/principal.js'
import { SigningKeys } from '../infra/auth/signing-keys.js'
import { Database } from '../infra/db/database.js'
import { existingAppUrl } from '../infra/db/setup.js'

function fail(message: string): never {
  console.error(`token: ${message}`)
  process.exit(1)
}

// Checked before the configuration, whose production rules would otherwise answer first.
if (process.env.NODE_ENV === 'production') fail('development tokens are never issued in production (NODE_ENV=production)')
let config: ReturnType<typeof loadConfig>
try {
  config = loadConfig()
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}

const { values } = parseArgs({
  options: { school: { type: 'string' }, role: { type: 'string' }, member: { type: 'string' }, ttl: { type: 'string' } },
})
const role = values.role ?? 'student'
const ttlSeconds = values.ttl ? Number(values.ttl) : config.auth.accessTokenTtlSeconds
if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) fail('--ttl is a whole number of seconds')
const keys = await SigningKeys.load({ signingKeys: config.auth.signingKeys, production: false, dataDir: config.dataDir })
const sign = (claims: Record<string, unknown>, subject: string) =>
  keys.sign(claims, { issuer: config.auth.issuer, audience: config.auth.audience, subject, ttlSeconds })

if (role === 'platform_admin') {
  console.log(await sign({ token_use: 'platform' }, 'platform-operator'))
  process.exit(0)
}
if (!isSchoolRole(role)) fail(`--role is one of ${[...SCHOOL_ROLES, 'platform_admin'].join(', ')}`)
if (!values.school) fail('--school <slug> is required')

const database = new Database({ url: await existingAppUrl(config), ...config.database, poolMax: 2 })
try {
  const school = await database.platform.school.findUnique({ where: { slug: values.school } })
  if (!school) fail(`no school with the slug "${values.school}"`)
  const { db } = database.forSchool(school.id)
  const member = await db.member.findFirst({
    where: { schoolId: school.id, ...(values.member ? { externalId: values.member } : { roles: { has: role } }), status: 'active' },
    orderBy: { externalId: 'asc' },
  })
  if (!member) fail(values.member ? `no member "${values.member}" in ${values.school}` : `no active ${role} in ${values.school}`)
  if (!member.roles.includes(role)) fail(`member "${member.externalId}" does not hold the role ${role}`)
  console.log(await sign({ token_use: 'member', school: school.id, roles: [role] }, member.externalId))
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
} finally {
  await database.close()
}
