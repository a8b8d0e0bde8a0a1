// The typed client portals are pointed to (client/): its types are what openapi-typescript makes of
// the committed openapi.yaml today; the client folder type-checks (and the type checks of
// client/type-checks.ts refuse what the document does not have); and a portal's first journey
// written with it (client/portal-journey.ts) runs against the live service over HTTP.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import openapiTS from 'openapi-typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { portalJourney } from '../client/portal-journey.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { DAY, iso } from './helpers/time.js'
import { Receiver } from './helpers/webhooks.js'

const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('..', import.meta.url))

describe('the typed client', () => {
  it('has the types openapi-typescript makes of openapi.yaml (run `npm run client:types` after `npm run openapi`)', async () => {
    const generated = await openapiTS(new URL('../openapi.yaml', import.meta.url))
    expect(readFileSync(new URL('../client/vantage.d.ts', import.meta.url), 'utf8')).toBe(generated)
  })

  it('type-checks, refusing paths, bodies and fields the document does not have', () => {
    const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc')
    const result = spawnSync(process.execPath, [tsc, '-p', 'client/tsconfig.json'], { cwd: root, encoding: 'utf8' })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  }, 60_000)

  describe('a portal\'s journey against the live service', () => {
    let t: TestApp
    let school: TestSchool
    let base = ''
    const receiver = new Receiver()

    beforeAll(async () => {
      t = await build({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' })
      school = await t.school('typed-u')
      await receiver.start()
      base = await t.listen()
    })
    afterAll(async () => {
      await t.close()
      await receiver.stop()
    })

    it('provisions a student, subscribes a webhook, and takes the student to a meeting\'s checklist', async () => {
      const made = await t.request({ method: 'POST', url: `/v1/schools/${school.id}/integration-clients`, token: school.members.school_admin!.token, payload: { name: 'Portal', scopes: ['members:write', 'webhooks:manage'] } })
      expect(made.statusCode, made.body).toBe(201)
      const start = Date.now() + 7 * DAY
      const result = await portalJourney({
        baseUrl: base,
        clientId: made.json().client.clientId,
        clientSecret: made.json().clientSecret,
        studentToken: (externalId) => t.memberToken(school.id, externalId),
        webhookUrl: receiver.url(),
        slot: { startsAt: iso(start), endsAt: iso(start + 45 * 60_000) },
      })
      expect(result).toEqual({
        member: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), roles: ['student'] },
        webhook: { id: expect.any(String), secretPrefix: 'whsec_' },
        contactId: expect.any(String),
        found: ['Grace Hopper'],
        meeting: { id: expect.any(String), status: 'requested' },
        checklist: [['arrange', 'due'], ['resume', 'due'], ['homework', 'due'], ['questions', 'due'], ['listen', 'upcoming'], ['time', 'upcoming'], ['follow-up', 'upcoming']],
        missing: { status: 404, type: 'urn:vantage:problem:not-found' },
      })
      // What the service holds: the student as provisioned, their contact, the subscription.
      const student = await t.request({ method: 'GET', url: `/v1/members/${result.member.id}`, token: school.members.school_admin!.token })
      expect(student.json()).toMatchObject({ externalId: 'portal-journey-student', email: 'ada@example.edu', fieldsOfInterest: ['Design'] })
      const hooks = await t.request({ method: 'GET', url: '/v1/webhooks', token: school.members.school_admin!.token })
      expect(hooks.json().items.map((w: { id: string; url: string }) => [w.id, w.url])).toEqual([[result.webhook.id, receiver.url()]])
    })
  })
})
