// School B's callers aimed at school A's data, through every route of the API (the matrix in
// helpers/cross-tenant.ts), plus the properties the matrix alone does not show: a 404 for A's record
// cannot be told from a 404 for a record that does not exist, and B's writes leave A's rows as they were.
// (Students of one school kept apart from each other: student-privacy.test.ts.)
import { randomUUID } from 'node:crypto'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import type { LightMyRequestResponse } from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Database } from '../src/infra/db/database.js'
import { build, type TestApp } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import {
  assertCrossTenantCoverage,
  assertMatrixCovers,
  calendarUids,
  CROSS_TENANT_MATRIX,
  type CrossTenantCase,
  type CrossTenantFixture,
  createCrossTenantFixture,
  DASHBOARD_QUERY,
  hostProfileBody,
  matrixCoverage,
  notFound,
  ownReportList,
  registeredRoutes,
  reportQuery,
  reportRange,
  runCrossTenantMatrix,
  secretsOf,
  snapshotSchool,
  unfoldCalendar,
  WEBHOOK_HOST,
} from './helpers/cross-tenant.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'

describe('cross-tenant isolation', () => {
  let t: TestApp
  let f: CrossTenantFixture
  let owner: pg.Client

  /** The app's clock is real time, moved forward by this much (a test may need a meeting to have begun). */
  let clockSkewMs = 0

  beforeAll(async () => {
    // The matrix and the checks below send more requests per school than the default limit allows a minute.
    // The schools' webhooks go to a host the app accepts without resolving it (the tests have no DNS);
    // jobs do not run, so their deliveries stay pending and nothing is sent.
    t = await build({ WEBHOOK_ALLOWED_HOSTS: WEBHOOK_HOST }, { clock: () => new Date(Date.now() + clockSkewMs) })
    f = await createCrossTenantFixture(t)
    owner = await ownerConnection(t)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  /** One row as the table holds it, read past row-level security. */
  async function row(table: string, schoolId: string, id: string): Promise<unknown> {
    const { rows } = await owner.query(`SELECT to_jsonb(t) AS row FROM "${table}" t WHERE school_id = $1 AND id = $2`, [schoolId, id])
    return rows[0]?.row
  }

  /** Rows by table and id, read one after the other (one connection runs one query at a time). */
  async function rowsById(schoolId: string, tables: Record<string, string[]>): Promise<unknown[]> {
    const found: unknown[] = []
    for (const [table, ids] of Object.entries(tables)) for (const id of ids) found.push(await row(table, schoolId, id))
    return found
  }

  describe('the matrix', () => {
    it('has an entry for every non-public route the app registers', async () => {
      const routes = await assertCrossTenantCoverage(t)
      // The collector sees the real app: the routes of every module and plugin, and which are public.
      const guarded = routes.filter((route) => !route.public).map((route) => route.key)
      expect(guarded).toEqual(
        expect.arrayContaining([
          'GET /v1/me',
          'POST /v1/schools',
          'DELETE /v1/schools/:schoolId/identity-providers/:providerId',
          'POST /v1/schools/:schoolId/integration-clients/:clientId/secret',
          'PUT /v1/members/:externalId',
          'POST /v1/members::bulk',
          'GET /graphql',
          'POST /graphql',
          'POST /v1/meetings/:meetingId/no-show',
          'PUT /v1/meetings/:meetingId/preparation',
          'GET /v1/meetings/:meetingId/calendar.ics',
          'PATCH /v1/questions/:questionId',
          'POST /v1/questions/check',
          'DELETE /v1/calendar-feeds/:feedId',
          'PUT /v1/hosts/:memberId',
          'POST /v1/host-requests/:requestId/accept',
          'GET /v1/members/:memberId/host-suggestions',
          'PUT /v1/programs/:programId/students',
          'POST /v1/programs/:programId/assignment-runs/:runId/publish',
          'GET /v1/host-load',
          'GET /v1/webhooks/event-types',
          'POST /v1/webhooks',
          'GET /v1/webhooks',
          'GET /v1/webhooks/:webhookId',
          'PATCH /v1/webhooks/:webhookId',
          'DELETE /v1/webhooks/:webhookId',
          'POST /v1/webhooks/:webhookId/secret',
          'GET /v1/webhooks/:webhookId/deliveries',
          'POST /v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
          'GET /v1/members/:memberId/export',
          'POST /v1/members/:memberId/erase',
          'GET /v1/meetings/:meetingId/confirmation-links',
          'GET /v1/members/:memberId/reliability',
          'GET /v1/schools/:schoolId/export',
          'DELETE /v1/schools/:schoolId',
          'GET /v1/audit-events',
          'GET /v1/me/disclosures',
        ]),
      )
      const open = routes.filter((route) => route.public).map((route) => route.key)
      expect(open).toEqual(
        expect.arrayContaining([
          'GET /health/live',
          'GET /health/ready',
          // The API's index: links only, nothing of any school.
          'GET /v1',
          'POST /v1/oauth/token',
          'GET /.well-known/jwks.json',
          'GET /docs/json',
          'GET /graphiql',
          'OPTIONS *',
          // A calendar application polls a feed without a bearer token: the secret in the URL is the credential.
          'GET /v1/calendar/:schoolId/:feedId/:secret.ics',
        ]),
      )
      expect(open.filter((key) => guarded.includes(key))).toEqual([])
    })

    it('names a route that has no entry, and an entry that names no route', async () => {
      const routes = await registeredRoutes(t)
      const secret = 'POST /v1/schools/:schoolId/integration-clients/:clientId/secret'
      expect(() => assertMatrixCovers(routes, CROSS_TENANT_MATRIX.filter((entry) => entry.route !== secret))).toThrow(
        `route ${secret} has no entry in CROSS_TENANT_MATRIX`,
      )
      const added = [
        ...routes,
        { method: 'GET', url: '/v1/widgets/:widgetId', public: false, key: 'GET /v1/widgets/:widgetId' },
        { method: 'HEAD', url: '/v1/widgets', public: false, key: 'HEAD /v1/widgets' },
        { method: 'GET', url: '/v1/public-thing', public: true, key: 'GET /v1/public-thing' },
      ]
      // Compared with the matrix's own gaps (the test above fails on those), so this one checks the check.
      const gaps = matrixCoverage(routes).missing
      expect(matrixCoverage(added)).toEqual({ missing: [...gaps, 'GET /v1/widgets/:widgetId', 'HEAD /v1/widgets'], stale: [] })
      const gone: CrossTenantCase = { route: 'GET /v1/gone', as: 'school_admin', name: 'removed', request: () => ({ url: '/v1/gone' }), expect: notFound() }
      expect(matrixCoverage(routes, [...CROSS_TENANT_MATRIX, gone])).toEqual({ missing: gaps, stale: ['GET /v1/gone'] })
      expect(() => assertMatrixCovers(routes, [...CROSS_TENANT_MATRIX, gone])).toThrow('CROSS_TENANT_MATRIX names GET /v1/gone')
    })

    it('gives B\'s callers exactly the answers the matrix states, none of A\'s data, and changes none of A\'s rows', async () => {
      const outcomes = await runCrossTenantMatrix(t, f)
      expect(outcomes).toHaveLength(CROSS_TENANT_MATRIX.length)
      expect(outcomes.filter((outcome) => outcome.error)).toEqual([])
      // Several hundred requests, each with a read of A's rows before and after: about 10 s on an
      // idle machine, three times that under a loaded CI run.
    }, 180_000)

    it('fails a case whose answer differs, and an answer that carries another school\'s identifiers', async () => {
      const ownProvider: CrossTenantCase = {
        route: 'GET /v1/schools/:schoolId/identity-providers/:providerId',
        as: 'school_admin',
        name: "B's own provider",
        request: (fixture) => ({ url: `/v1/schools/${fixture.b.school.id}/identity-providers/${fixture.b.identityProvider.id}` }),
        expect: notFound(),
      }
      await expect(runCrossTenantMatrix(t, f, [ownProvider])).rejects.toThrow(/1 of 1 cross-tenant checks failed[\s\S]*status: expected 404, got 200/)
      // The same answer judged as if B's provider were A's: its identifiers count as leaked.
      const accepting: CrossTenantCase = { ...ownProvider, expect: { describe: 'anything', check: () => {} } }
      await expect(runCrossTenantMatrix(t, { a: f.b, b: f.b }, [accepting])).rejects.toThrow(/the answer carries A's/)
      // The same for a student's records: a network names the contacts, the referral and its note.
      const network: CrossTenantCase = {
        route: 'GET /v1/members/:memberId/network',
        as: 'advisor',
        name: "B's student's network judged as A's",
        request: (fixture) => ({ url: `/v1/members/${fixture.b.conversations.studentId}/network` }),
        expect: { describe: 'anything', check: () => {} },
      }
      const { contact, referredContact, referral } = f.b.conversations
      const carried = await runCrossTenantMatrix(t, { a: f.b, b: f.b }, [network]).catch((error: Error) => error.message)
      for (const secret of [contact.id, contact.fullName, contact.organization, referredContact.id, referredContact.fullName, referral.id]) {
        expect(carried).toContain(secret)
      }
      // And for meetings, their preparation, the bank and feeds: each answer below, judged as if B's
      // records were A's, names what the fixture lists among A's secrets.
      const anything = { describe: 'anything', check: () => {} }
      const hosting = f.b.hosting
      const webhooks = f.b.webhooks
      const judged: Array<[CrossTenantCase, string[]]> = [
        [
          { route: 'GET /v1/meetings/:meetingId', as: 'student', name: "B's meeting judged as A's", request: (x) => ({ url: `/v1/meetings/${x.b.meeting.id}` }), expect: anything },
          [f.b.meeting.purpose, f.b.meeting.location, f.b.meeting.homework, f.b.meeting.customQuestion, f.b.questionBank.custom.text, f.b.questionBank.custom.id, f.b.questionBank.standardId],
        ],
        [
          { route: 'GET /v1/meetings/:meetingId/calendar.ics', as: 'advisor', name: "B's meeting's calendar judged as A's", request: (x) => ({ url: `/v1/meetings/${x.b.meeting.id}/calendar.ics` }), expect: anything },
          [f.b.meeting.id, f.b.meeting.purpose, f.b.meeting.location, contact.fullName],
        ],
        [{ route: 'GET /v1/meetings', as: 'advisor', name: "B's meetings judged as A's", request: () => ({ url: '/v1/meetings' }), expect: anything }, [f.b.meeting.id, f.b.meeting.purpose]],
        [{ route: 'GET /v1/questions', as: 'alumni', name: "B's bank judged as A's", request: () => ({ url: '/v1/questions' }), expect: anything }, [f.b.questionBank.custom.id, f.b.questionBank.custom.text, f.b.questionBank.standardId]],
        [{ route: 'GET /v1/calendar-feeds', as: 'advisor', name: "B's feeds judged as A's", request: () => ({ url: '/v1/calendar-feeds' }), expect: anything }, [f.b.calendarFeeds.advisor.id]],
        // Alumni hosting: the profile with its private contact details (as staff see it), the request,
        // the programme and its run.
        [
          { route: 'GET /v1/hosts/:memberId', as: 'advisor', name: "B's host judged as A's", request: (x) => ({ url: `/v1/hosts/${x.b.hosting.host.memberId}` }), expect: anything },
          [hosting.host.organization, hosting.host.title, hosting.host.bio, hosting.host.location, hosting.host.contactEmail, hosting.host.contactPhone],
        ],
        [
          { route: 'GET /v1/host-requests/:requestId', as: 'student', name: "B's request judged as A's", request: (x) => ({ url: `/v1/host-requests/${x.b.hosting.request.id}` }), expect: anything },
          [hosting.request.id, hosting.request.groupId, hosting.request.meetingId, hosting.request.purpose, hosting.request.location, hosting.host.organization, hosting.host.title],
        ],
        [{ route: 'GET /v1/meetings/:meetingId', as: 'student', name: "B's request's meeting judged as A's", request: (x) => ({ url: `/v1/meetings/${x.b.hosting.request.meetingId}` }), expect: anything }, [hosting.request.contactId, hosting.request.purpose]],
        [
          { route: 'GET /v1/members/:memberId/host-suggestions', as: 'advisor', name: "B's suggestions judged as A's", request: (x) => ({ url: `/v1/members/${x.b.school.members.student!.id}/host-suggestions?kind=job_shadow` }), expect: anything },
          [hosting.host.organization, hosting.host.title, hosting.host.location],
        ],
        [
          { route: 'GET /v1/programs/:programId', as: 'advisor', name: "B's programme judged as A's", request: (x) => ({ url: `/v1/programs/${x.b.hosting.program.id}` }), expect: anything },
          [hosting.program.id, hosting.program.name, hosting.program.description, hosting.host.organization],
        ],
        [
          { route: 'GET /v1/programs/:programId/assignment-runs/:runId', as: 'school_admin', name: "B's run judged as A's", request: (x) => ({ url: `/v1/programs/${x.b.hosting.program.id}/assignment-runs/${x.b.hosting.run.id}` }), expect: anything },
          [hosting.run.id, hosting.run.inputDigest, hosting.program.id],
        ],
        // Webhooks: the subscription's endpoint and description, and its delivery log (deliveries and their events).
        [
          { route: 'GET /v1/webhooks/:webhookId', as: 'school_admin', name: "B's webhook judged as A's", request: (x) => ({ url: `/v1/webhooks/${x.b.webhooks.webhook.id}` }), expect: anything },
          [webhooks.webhook.url, webhooks.webhook.description],
        ],
        [{ route: 'GET /v1/webhooks', as: 'webhook_client', name: "B's webhooks judged as A's", request: () => ({ url: '/v1/webhooks' }), expect: anything }, [webhooks.webhook.id, webhooks.webhook.url, webhooks.webhook.description]],
        [
          { route: 'GET /v1/webhooks/:webhookId/deliveries', as: 'school_admin', name: "B's delivery log judged as A's", request: (x) => ({ url: `/v1/webhooks/${x.b.webhooks.webhook.id}/deliveries?limit=100` }), expect: anything },
          [webhooks.webhook.id, ...webhooks.deliveries.flatMap((delivery) => [delivery.id, delivery.eventId])],
        ],
      ]
      for (const [entry, secrets] of judged) {
        const message = await runCrossTenantMatrix(t, { a: f.b, b: f.b }, [entry]).then(() => 'passed', (error: Error) => error.message)
        const named = /the answer carries A's (.*)/.exec(message)?.[1] ?? ''
        expect(named, `${entry.name}: ${message}`).not.toBe('')
        for (const secret of secrets) expect(named, `${entry.name}: ${secret}`).toContain(secret)
      }
      // Every feed's id and secret count too (no answer to B shows a secret, so none is judged above).
      for (const feed of Object.values(f.a.calendarFeeds)) expect(secretsOf(f.a)).toEqual(expect.arrayContaining([feed.id, feed.secret]))
      // A's host's private contact details are A's secrets (no answer to B shows them, staff's included).
      expect(secretsOf(f.a)).toEqual(expect.arrayContaining([f.a.hosting.host.contactEmail, f.a.hosting.host.contactPhone, f.a.hosting.request.contactId, f.a.hosting.run.inputDigest]))
      // A's webhook's signing secret is A's (no answer to B shows it, not even B's own rotation).
      expect(secretsOf(f.a)).toEqual(expect.arrayContaining([f.a.webhooks.webhook.secret, f.a.webhooks.delivery.id, f.a.webhooks.delivery.eventId]))
    })

    it('fails a webhook list or delivery log that is not exactly B\'s, and a webhook case whose school has no rows', async () => {
      const entry = (route: string, as: string, name: string) => {
        const found = CROSS_TENANT_MATRIX.find((candidate) => candidate.route === route && candidate.as === as && candidate.name === name)
        if (!found) throw new Error(`no matrix entry ${route} as ${as}: ${name}`)
        return found
      }
      const log = entry('GET /v1/webhooks/:webhookId/deliveries', 'school_admin', "B's own webhook's deliveries")
      const list = entry('GET /v1/webhooks', 'webhook_client', 'list webhooks')
      // The matrix's own entries pass.
      expect(await runCrossTenantMatrix(t, f, [log, list])).toHaveLength(2)
      // Only B's meeting.scheduled deliveries, judged as the whole log: the check compares the rows.
      const scheduledOnly: CrossTenantCase = { ...log, request: (x) => ({ url: `/v1/webhooks/${x.b.webhooks.webhook.id}/deliveries?limit=100&eventType=meeting.scheduled` }) }
      await expect(runCrossTenantMatrix(t, f, [scheduledOnly])).rejects.toThrow(/1 of 1 cross-tenant checks failed[\s\S]*ids listed \(deliveries of the school's fixture webhook\)/)
      // One page of one webhook, judged as all of B's.
      const firstPage: CrossTenantCase = { ...list, request: () => ({ url: '/v1/webhooks?limit=1' }) }
      await expect(runCrossTenantMatrix(t, f, [firstPage])).rejects.toThrow(/1 of 1 cross-tenant checks failed[\s\S]*ids listed \(B's webhooks\)/)
      // A school with no webhook and no delivery as A: a leak of A's log could not show, so the case fails.
      const empty = await t.school('xt-webhookless', ['school_admin'])
      const bare = { ...f.a, school: { ...empty, name: 'xt-webhookless University' }, webhooks: { ...f.a.webhooks, webhook: { ...f.a.webhooks.webhook, id: randomUUID() } } }
      await expect(runCrossTenantMatrix(t, { a: bare, b: f.b }, [log])).rejects.toThrow(/the fixture gives A no deliveries of the school's fixture webhook; a leak would not show/)
    })
  })

  describe('the matrix\'s report cases', () => {
    it('fail a report whose rows differ from B\'s, and report answers that carry the other school\'s records', async () => {
      const { from, to } = reportRange()
      // Only B's completed meetings, judged as the whole list: the check compares the rows themselves.
      const completedOnly: CrossTenantCase = {
        route: 'POST /graphql',
        as: 'advisor',
        name: "B's completed meetings judged as all of B's",
        request: () => ({
          url: '/graphql',
          payload: { query: reportQuery('meetings(first: 100, status: completed) { totalCount nodes { id student { id } contact { id } } pageInfo { hasNextPage endCursor } }'), variables: { from, to } },
        }),
        expect: ownReportList('meetings'),
      }
      await expect(runCrossTenantMatrix(t, f, [completedOnly])).rejects.toThrow(/1 of 1 cross-tenant checks failed[\s\S]*of B's meetings: expected/)
      // Each export and the GraphQL lists, judged as if B's records were A's, name them.
      const anything = { describe: 'anything', check: () => {} }
      const csv = (list: string): CrossTenantCase => ({ route: `GET /v1/reports/${list}.csv`, as: 'advisor', name: `B's ${list} judged as A's`, request: () => ({ url: `/v1/reports/${list}.csv?from=${from}&to=${to}` }), expect: anything })
      const graphql = (query: string): CrossTenantCase => ({ route: 'POST /graphql', as: 'client', name: "B's report judged as A's", request: () => ({ url: '/graphql', payload: { query, variables: { from, to } } }), expect: anything })
      const { contact } = f.b.conversations
      const { host, request } = f.b.hosting
      const overdue = f.b.reporting.overdueMeeting.id
      const judged: Array<[CrossTenantCase, string[]]> = [
        [csv('students'), [f.b.school.members.student!.id]],
        [csv('meetings'), [f.b.meeting.id, overdue, request.meetingId, request.contactId, contact.id, contact.fullName, contact.organization]],
        [csv('hosts'), [host.memberId, host.organization, host.title]],
        [csv('overdue-thank-yous'), [overdue, contact.id, contact.fullName]],
        [csv('waiting-requests'), [request.id, host.memberId, host.organization]],
        [graphql(DASHBOARD_QUERY), [overdue, contact.fullName, contact.organization, request.id, host.memberId, host.organization]],
        [graphql(reportQuery('perspectives { singleViews { field student { id } contact { id fullName } } }')), [contact.id, contact.fullName, f.b.school.members.student!.id]],
        [graphql(reportQuery('meetings(first: 100) { nodes { id student { id } contact { id fullName } } }')), [f.b.meeting.id, overdue, request.meetingId, request.contactId, contact.fullName]],
      ]
      for (const [entry, secrets] of judged) {
        const message = await runCrossTenantMatrix(t, { a: f.b, b: f.b }, [entry]).then(() => 'passed', (error: Error) => error.message)
        const named = /the answer carries A's (.*)/.exec(message)?.[1] ?? ''
        expect(named, `${entry.route}: ${message}`).not.toBe('')
        for (const secret of secrets) expect(named, `${entry.route}: ${secret}`).toContain(secret)
      }
      expect(secretsOf(f.a)).toEqual(expect.arrayContaining([f.a.reporting.overdueMeeting.id, f.a.reporting.overdueMeeting.purpose]))
    })
  })

  describe('a 404 for another school\'s record is the same as for a record that does not exist', () => {
    /** The two answers, byte for byte, once each one's own request path is taken out of `instance`. */
    function expectSameAnswer(foreign: LightMyRequestResponse, missing: LightMyRequestResponse, foreignPath: string, missingPath: string) {
      expect(foreign.statusCode).toBe(missing.statusCode)
      expect(foreign.headers['content-type']).toBe(PROBLEM_JSON)
      expect(missing.headers['content-type']).toBe(PROBLEM_JSON)
      expect(foreign.headers['content-length']).toBe(missing.headers['content-length'])
      expect(Object.keys(foreign.headers).sort()).toEqual(Object.keys(missing.headers).sort())
      expect(foreign.body.replaceAll(foreignPath, '<path>')).toBe(missing.body.replaceAll(missingPath, '<path>'))
      const body = foreign.json() as Record<string, unknown>
      expect(body.instance).toBe(foreignPath)
      expect(Object.keys(body).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type'])
    }

    async function compare(options: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; token: string; foreign: string; missing: string; payload?: object; status?: number }) {
      const { method, token, payload } = options
      const foreign = await t.request({ method, url: options.foreign, token, ...(payload ? { payload } : {}) })
      const missing = await t.request({ method, url: options.missing, token, ...(payload ? { payload } : {}) })
      expect(foreign.statusCode, `${method} ${options.foreign}: ${foreign.body}`).toBe(options.status ?? 404)
      expectSameAnswer(foreign, missing, options.foreign, options.missing)
      const type = (foreign.json() as { type: string }).type
      expect(type).toBe(options.status === 403 ? 'urn:vantage:problem:forbidden' : 'urn:vantage:problem:not-found')
    }

    it('for identity providers, in A\'s path and in B\'s own', async () => {
      const admin = f.b.school.members.school_admin!.token
      const a = f.a.school.id
      const b = f.b.school.id
      const idp = f.a.identityProvider.id
      for (const [method, payload] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
        await compare({ method, token: admin, payload, foreign: `/v1/schools/${b}/identity-providers/${idp}`, missing: `/v1/schools/${b}/identity-providers/${randomUUID()}` })
        await compare({ method, token: admin, payload, foreign: `/v1/schools/${a}/identity-providers/${idp}`, missing: `/v1/schools/${randomUUID()}/identity-providers/${randomUUID()}` })
        await compare({ method, token: admin, payload, foreign: `/v1/schools/${a}/identity-providers/${randomUUID()}`, missing: `/v1/schools/${randomUUID()}/identity-providers/${randomUUID()}` })
      }
      const provider = { name: 'x', issuer: 'https://x.example', audience: 'x', jwksUri: 'https://x.example/jwks', algorithms: ['RS256'] }
      await compare({ method: 'POST', token: admin, payload: provider, foreign: `/v1/schools/${a}/identity-providers`, missing: `/v1/schools/${randomUUID()}/identity-providers` })
      await compare({ method: 'GET', token: admin, foreign: `/v1/schools/${a}/identity-providers`, missing: `/v1/schools/${randomUUID()}/identity-providers` })
    })

    it('for integration clients, in A\'s path and in B\'s own', async () => {
      const admin = f.b.school.members.school_admin!.token
      const a = f.a.school.id
      const b = f.b.school.id
      const client = f.a.integrationClient.id
      for (const [method, suffix, payload] of [['GET', ''], ['PATCH', '', { enabled: false }], ['POST', '/secret'], ['DELETE', '']] as const) {
        await compare({ method, token: admin, payload, foreign: `/v1/schools/${b}/integration-clients/${client}${suffix}`, missing: `/v1/schools/${b}/integration-clients/${randomUUID()}${suffix}` })
        await compare({ method, token: admin, payload, foreign: `/v1/schools/${a}/integration-clients/${client}${suffix}`, missing: `/v1/schools/${randomUUID()}/integration-clients/${randomUUID()}${suffix}` })
      }
      await compare({ method: 'POST', token: admin, payload: { name: 'x', scopes: ['members:read'] }, foreign: `/v1/schools/${a}/integration-clients`, missing: `/v1/schools/${randomUUID()}/integration-clients` })
    })

    it('for members, whoever of B asks', async () => {
      for (const caller of ['school_admin', 'advisor', 'student', 'alumni', 'client'] as const) {
        const token = caller === 'client' ? f.b.integrationClient.token : f.b.school.members[caller]!.token
        await compare({ method: 'GET', token, foreign: `/v1/members/${f.a.school.members.student!.id}`, missing: `/v1/members/${randomUUID()}` })
      }
    })

    it('for contacts, outreach, referrals and networks, whoever of B may read or write them', async () => {
      const { contact, referredContact, outreach, referral, studentId } = f.a.conversations
      const own = f.b.conversations
      const student = f.b.school.members.student!.token
      for (const caller of ['student', 'advisor', 'school_admin'] as const) {
        const token = f.b.school.members[caller]!.token
        for (const id of [contact.id, referredContact.id]) {
          await compare({ method: 'GET', token, foreign: `/v1/contacts/${id}`, missing: `/v1/contacts/${randomUUID()}` })
          await compare({ method: 'GET', token, foreign: `/v1/contacts/${id}/outreach`, missing: `/v1/contacts/${randomUUID()}/outreach` })
        }
        await compare({ method: 'GET', token, foreign: `/v1/referrals/${referral.id}`, missing: `/v1/referrals/${randomUUID()}` })
        await compare({ method: 'GET', token, foreign: `/v1/members/${studentId}/network`, missing: `/v1/members/${randomUUID()}/network` })
      }
      for (const id of [contact.id, referredContact.id]) {
        await compare({ method: 'PATCH', token: student, payload: { notes: 'x' }, foreign: `/v1/contacts/${id}`, missing: `/v1/contacts/${randomUUID()}` })
        await compare({ method: 'DELETE', token: student, foreign: `/v1/contacts/${id}`, missing: `/v1/contacts/${randomUUID()}` })
        await compare({ method: 'POST', token: student, payload: { channel: 'email', mutualContact: 'x' }, foreign: `/v1/contacts/${id}/outreach`, missing: `/v1/contacts/${randomUUID()}/outreach` })
      }
      const outcome = { outcome: 'declined' }
      await compare({ method: 'PATCH', token: student, payload: outcome, foreign: `/v1/contacts/${contact.id}/outreach/${outreach.id}`, missing: `/v1/contacts/${randomUUID()}/outreach/${randomUUID()}` })
      await compare({ method: 'PATCH', token: student, payload: outcome, foreign: `/v1/contacts/${own.contact.id}/outreach/${outreach.id}`, missing: `/v1/contacts/${own.contact.id}/outreach/${randomUUID()}` })
      await compare({ method: 'PATCH', token: student, payload: { status: 'met' }, foreign: `/v1/referrals/${referral.id}`, missing: `/v1/referrals/${randomUUID()}` })
      // A's student as the student asked for (the problem's instance is the path, without the query).
      for (const list of ['/v1/contacts', '/v1/referrals', '/v1/outreach/stats']) {
        const foreign = await t.request({ method: 'GET', url: `${list}?studentId=${studentId}`, token: student })
        const missing = await t.request({ method: 'GET', url: `${list}?studentId=${randomUUID()}`, token: student })
        expectSameAnswer(foreign, missing, list, list)
        expect(foreign.json()).toMatchObject({ status: 404, type: 'urn:vantage:problem:not-found' })
      }
    })

    it('for referrals and contacts that name A\'s records in the body', async () => {
      const student = f.b.school.members.student!.token
      const a = f.a.conversations
      const b = f.b.conversations
      /** The answers to the same write naming A's record and naming no one's: the same, byte for byte. */
      async function sameWrite(url: string, method: 'POST' | 'PATCH', foreign: object, missing: object) {
        const answers = [await t.request({ method, url, token: student, payload: foreign }), await t.request({ method, url, token: student, payload: missing })]
        for (const answer of answers) expect(answer.statusCode, answer.body).toBe(404)
        expect(answers[0]!.body).toBe(answers[1]!.body)
        expect(answers[0]!.headers['content-length']).toBe(answers[1]!.headers['content-length'])
      }
      const referral = (referrer: object, referred: object) => ({ referrer, referred })
      await sameWrite('/v1/referrals', 'POST', referral({ contactId: a.contact.id }, { contact: { fullName: 'N' } }), referral({ contactId: randomUUID() }, { contact: { fullName: 'N' } }))
      await sameWrite('/v1/referrals', 'POST', referral({ name: 'N' }, { contactId: a.referredContact.id }), referral({ name: 'N' }, { contactId: randomUUID() }))
      await sameWrite('/v1/referrals', 'POST', referral({ contactId: b.contact.id }, { contactId: a.contact.id }), referral({ contactId: b.contact.id }, { contactId: randomUUID() }))
      const alumnus = f.a.school.members.alumni!.id
      await sameWrite('/v1/contacts', 'POST', { fullName: 'N', source: 'alumni_network', alumniMemberId: alumnus }, { fullName: 'N', source: 'alumni_network', alumniMemberId: randomUUID() })
      await sameWrite(`/v1/contacts/${b.contact.id}`, 'PATCH', { alumniMemberId: alumnus }, { alumniMemberId: randomUUID() })
    })

    it('for meetings, their calendar and preparation, the question bank and calendar feeds', async () => {
      const meeting = f.a.meeting.id
      for (const caller of ['student', 'advisor', 'school_admin'] as const) {
        const token = f.b.school.members[caller]!.token
        await compare({ method: 'GET', token, foreign: `/v1/meetings/${meeting}`, missing: `/v1/meetings/${randomUUID()}` })
        await compare({ method: 'GET', token, foreign: `/v1/meetings/${meeting}/calendar.ics`, missing: `/v1/meetings/${randomUUID()}/calendar.ics` })
        // A's student as the student asked for.
        const list = await t.request({ method: 'GET', url: `/v1/meetings?studentId=${f.a.conversations.studentId}`, token })
        const none = await t.request({ method: 'GET', url: `/v1/meetings?studentId=${randomUUID()}`, token })
        expectSameAnswer(list, none, '/v1/meetings', '/v1/meetings')
        expect(list.json()).toMatchObject({ status: 404, type: 'urn:vantage:problem:not-found' })
      }
      const student = f.b.school.members.student!.token
      const later = new Date(Date.parse(f.a.meeting.startsAt) + 2 * 86_400_000)
      const window = { startsAt: later.toISOString(), endsAt: new Date(later.getTime() + 30 * 60_000).toISOString() }
      const transitions: Array<['POST' | 'PUT', string, object]> = [
        ['POST', '/schedule', window],
        ['POST', '/resume-sent', {}],
        ['POST', '/complete', { rating: 3, askedForReferrals: false }],
        ['POST', '/thank-you', {}],
        ['POST', '/decline', {}],
        ['POST', '/cancel', { reason: 'x' }],
        ['POST', '/no-show', {}],
        ['PUT', '/preparation', { homework: 'x' }],
      ]
      for (const [method, suffix, payload] of transitions) {
        await compare({ method, token: student, payload, foreign: `/v1/meetings/${meeting}${suffix}`, missing: `/v1/meetings/${randomUUID()}${suffix}` })
      }
      // B's own meeting prepared with a question of A's bank, or with one no school has.
      const own = `/v1/meetings/${f.b.meeting.id}/preparation`
      for (const id of [f.a.questionBank.custom.id, f.a.questionBank.standardId]) {
        await compare({ method: 'PUT', token: student, foreign: own, missing: own, payload: { questionIds: [f.b.questionBank.standardId, id] } })
        const [foreign, missing] = [
          await t.request({ method: 'PUT', url: own, token: student, payload: { questionIds: [id] } }),
          await t.request({ method: 'PUT', url: own, token: student, payload: { questionIds: [randomUUID()] } }),
        ]
        expect(foreign.body).toBe(missing.body)
      }
      // A meeting requested with A's contact, or with a contact no one has.
      const request = (contactId: string) => ({ contactId, kind: 'informational_interview', purpose: 'x', mode: 'phone', proposedSlots: [window] })
      for (const contactId of [f.a.conversations.contact.id, f.a.conversations.referredContact.id]) {
        const answers = [
          await t.request({ method: 'POST', url: '/v1/meetings', token: student, payload: request(contactId) }),
          await t.request({ method: 'POST', url: '/v1/meetings', token: student, payload: request(randomUUID()) }),
        ]
        for (const answer of answers) expect(answer.statusCode, answer.body).toBe(404)
        expect(answers[0]!.body).toBe(answers[1]!.body)
      }
      for (const caller of ['advisor', 'school_admin'] as const) {
        const token = f.b.school.members[caller]!.token
        for (const id of [f.a.questionBank.custom.id, f.a.questionBank.standardId]) {
          await compare({ method: 'PATCH', token, payload: { archived: true }, foreign: `/v1/questions/${id}`, missing: `/v1/questions/${randomUUID()}` })
        }
      }
      for (const caller of ['student', 'alumni', 'advisor', 'school_admin'] as const) {
        const token = f.b.school.members[caller]!.token
        for (const feed of Object.values(f.a.calendarFeeds)) {
          await compare({ method: 'DELETE', token, foreign: `/v1/calendar-feeds/${feed.id}`, missing: `/v1/calendar-feeds/${randomUUID()}` })
        }
      }
    })

    it('for hosts, host requests, suggestions and programmes, in the path and in the body', async () => {
      const a = f.a.hosting
      const b = f.b.hosting
      const token = (caller: 'student' | 'alumni' | 'advisor' | 'school_admin') => f.b.school.members[caller]!.token
      for (const caller of ['student', 'alumni', 'advisor', 'school_admin'] as const) {
        await compare({ method: 'GET', token: token(caller), foreign: `/v1/hosts/${a.host.memberId}`, missing: `/v1/hosts/${randomUUID()}` })
        await compare({ method: 'GET', token: token(caller), foreign: `/v1/host-requests/${a.request.id}`, missing: `/v1/host-requests/${randomUUID()}` })
      }
      for (const caller of ['student', 'advisor', 'school_admin'] as const) {
        // The problem's instance is the path, without the query.
        const [foreignPath, missingPath] = [f.a.school.members.student!.id, randomUUID()].map((id) => `/v1/members/${id}/host-suggestions`) as [string, string]
        const foreign = await t.request({ method: 'GET', url: `${foreignPath}?kind=informational_interview`, token: token(caller) })
        const missing = await t.request({ method: 'GET', url: `${missingPath}?kind=informational_interview`, token: token(caller) })
        expect(foreign.statusCode, foreign.body).toBe(404)
        expectSameAnswer(foreign, missing, foreignPath, missingPath)
      }
      const profile = { organization: 'x', industries: [], occupations: [], offers: ['job_shadow'], modes: ['video'], accepting: true, timeZone: 'UTC', capacity: { maxMeetingsPerMonth: 1, maxShadowDaysPerTerm: 1, maxOpenRequests: 1 }, availability: { weeklyWindows: [], blackouts: [] } }
      await compare({ method: 'PUT', token: token('school_admin'), payload: profile, foreign: `/v1/hosts/${a.host.memberId}`, missing: `/v1/hosts/${randomUUID()}` })
      // An alumnus may keep their own profile only: A's alumnus's id is refused as any other id is.
      await compare({ method: 'PUT', token: token('alumni'), payload: profile, status: 403, foreign: `/v1/hosts/${a.host.memberId}`, missing: `/v1/hosts/${randomUUID()}` })
      await compare({ method: 'POST', token: token('alumni'), payload: { slot: 0 }, foreign: `/v1/host-requests/${a.request.id}/accept`, missing: `/v1/host-requests/${randomUUID()}/accept` })
      await compare({ method: 'POST', token: token('alumni'), payload: {}, foreign: `/v1/host-requests/${a.request.id}/decline`, missing: `/v1/host-requests/${randomUUID()}/decline` })
      await compare({ method: 'POST', token: token('student'), foreign: `/v1/host-requests/${a.request.id}/withdraw`, missing: `/v1/host-requests/${randomUUID()}/withdraw` })
      for (const caller of ['advisor', 'school_admin'] as const) {
        const program = (id: string) => `/v1/programs/${id}`
        const run = (programId: string, runId: string) => `/v1/programs/${programId}/assignment-runs/${runId}`
        await compare({ method: 'GET', token: token(caller), foreign: program(a.program.id), missing: program(randomUUID()) })
        await compare({ method: 'PATCH', token: token(caller), payload: { name: 'x' }, foreign: program(a.program.id), missing: program(randomUUID()) })
        await compare({ method: 'PUT', token: token(caller), payload: { hosts: [] }, foreign: `${program(a.program.id)}/hosts`, missing: `${program(randomUUID())}/hosts` })
        await compare({ method: 'PUT', token: token(caller), payload: { students: [] }, foreign: `${program(a.program.id)}/students`, missing: `${program(randomUUID())}/students` })
        await compare({ method: 'POST', token: token(caller), payload: {}, foreign: `${program(a.program.id)}/assignment-runs`, missing: `${program(randomUUID())}/assignment-runs` })
        await compare({ method: 'GET', token: token(caller), foreign: `${program(a.program.id)}/assignment-runs`, missing: `${program(randomUUID())}/assignment-runs` })
        await compare({ method: 'GET', token: token(caller), foreign: `${program(a.program.id)}/load`, missing: `${program(randomUUID())}/load` })
        for (const [foreign, missing] of [
          [run(a.program.id, a.run.id), run(randomUUID(), randomUUID())],
          [run(b.program.id, a.run.id), run(b.program.id, randomUUID())],
          [run(a.program.id, b.run.id), run(randomUUID(), b.run.id)],
        ] as const) {
          await compare({ method: 'GET', token: token(caller), foreign, missing })
          await compare({ method: 'POST', token: token(caller), foreign: `${foreign}/publish`, missing: `${missing}/publish` })
        }
      }
      /** The answers to the same write naming A's record and naming no one's: the same, byte for byte. */
      async function sameWrite(caller: 'student' | 'advisor', method: 'POST' | 'PUT', url: string, foreign: object, missing: object, status: number) {
        const answers = [await t.request({ method, url, token: token(caller), payload: foreign }), await t.request({ method, url, token: token(caller), payload: missing })]
        for (const answer of answers) expect(answer.statusCode, answer.body).toBe(status)
        expect(answers[0]!.body).toBe(answers[1]!.body)
        expect(answers[0]!.headers['content-length']).toBe(answers[1]!.headers['content-length'])
      }
      const ask = (hostIds: string[]) => ({ hostIds, kind: 'informational_interview', purpose: 'x', mode: 'video', location: 'https://x.example', proposedSlots: b.request.proposedSlots })
      await sameWrite('student', 'POST', '/v1/host-requests', ask([a.host.memberId]), ask([randomUUID()]), 404)
      await sameWrite('student', 'POST', '/v1/host-requests', ask([b.host.memberId, a.host.memberId]), ask([b.host.memberId, randomUUID()]), 404)
      const own = `/v1/programs/${b.program.id}`
      const studentId = f.b.school.members.student!.id
      await sameWrite('advisor', 'PUT', `${own}/hosts`, { hosts: [{ hostId: a.host.memberId, capacity: 1 }] }, { hosts: [{ hostId: randomUUID(), capacity: 1 }] }, 404)
      await sameWrite('advisor', 'PUT', `${own}/students`, { students: [{ studentId: f.a.school.members.student!.id }] }, { students: [{ studentId: randomUUID() }] }, 404)
      await sameWrite('advisor', 'PUT', `${own}/students`, { students: [{ studentId, preferences: [a.host.memberId] }] }, { students: [{ studentId, preferences: [randomUUID()] }] }, 400)
      await sameWrite('advisor', 'POST', `${own}/assignment-runs`, { pins: [{ studentId: f.a.school.members.student!.id, hostId: b.host.memberId }] }, { pins: [{ studentId: randomUUID(), hostId: b.host.memberId }] }, 400)
      await sameWrite('advisor', 'POST', `${own}/assignment-runs`, { forbidden: [{ studentId, hostId: a.host.memberId }] }, { forbidden: [{ studentId, hostId: randomUUID() }] }, 400)
    })

    it('for webhooks, their secret and their delivery log, whoever of B manages webhooks', async () => {
      const a = f.a.webhooks
      const b = f.b.webhooks
      const hook = (id: string) => `/v1/webhooks/${id}`
      const redeliver = (webhookId: string, deliveryId: string) => `${hook(webhookId)}/deliveries/${deliveryId}/redeliver`
      for (const token of [f.b.school.members.school_admin!.token, f.b.integrationClient.webhookToken]) {
        const requests: Array<['GET' | 'PATCH' | 'DELETE' | 'POST', string, object | undefined]> = [
          ['GET', '', undefined],
          ['PATCH', '', { description: 'x', status: 'disabled' }],
          ['DELETE', '', undefined],
          ['POST', '/secret', { previousValidForHours: 0 }],
          ['POST', '/secret', {}],
          ['GET', '/deliveries', undefined],
        ]
        for (const [method, suffix, payload] of requests) {
          await compare({ method, token, payload, foreign: `${hook(a.webhook.id)}${suffix}`, missing: `${hook(randomUUID())}${suffix}` })
        }
        // A's webhook with filters (the problem's instance is the path, without the query).
        const filtered = '?eventType=meeting.scheduled&status=pending'
        const [foreign, missing] = [hook(a.webhook.id), hook(randomUUID())].map((path) => `${path}/deliveries`) as [string, string]
        expectSameAnswer(
          await t.request({ method: 'GET', url: `${foreign}${filtered}`, token }),
          await t.request({ method: 'GET', url: `${missing}${filtered}`, token }),
          foreign,
          missing,
        )
        // Redelivery: A's delivery of A's webhook, A's delivery under B's own webhook, B's delivery under A's webhook.
        await compare({ method: 'POST', token, foreign: redeliver(a.webhook.id, a.delivery.id), missing: redeliver(randomUUID(), randomUUID()) })
        await compare({ method: 'POST', token, foreign: redeliver(b.webhook.id, a.delivery.id), missing: redeliver(b.webhook.id, randomUUID()) })
        await compare({ method: 'POST', token, foreign: redeliver(a.webhook.id, b.delivery.id), missing: redeliver(randomUUID(), b.delivery.id) })
        // A rotation without a body (which the route documents as optional) answers A's webhook as it
        // answers a webhook no one has, whatever that answer is, and changes nothing of A's.
        const webhookRow = await row('webhook_subscriptions', f.a.school.id, a.webhook.id)
        const [foreignPath, missingPath] = [`${hook(a.webhook.id)}/secret`, `${hook(randomUUID())}/secret`]
        const bodiless = [await t.request({ method: 'POST', url: foreignPath, token }), await t.request({ method: 'POST', url: missingPath, token })] as const
        expect(bodiless[0].statusCode).toBe(bodiless[1].statusCode)
        expect(bodiless[0].headers['content-type']).toBe(PROBLEM_JSON)
        expect(bodiless[0].body.replaceAll(foreignPath, '<path>')).toBe(bodiless[1].body.replaceAll(missingPath, '<path>'))
        expect(await row('webhook_subscriptions', f.a.school.id, a.webhook.id)).toEqual(webhookRow)
        // B's own webhook is found: the delivery is what is not (as it is not for an id no one has).
        const underOwn = await t.request({ method: 'POST', url: redeliver(b.webhook.id, a.delivery.id), token })
        expect([underOwn.statusCode, (underOwn.json() as { detail: string }).detail]).toEqual([404, 'No such delivery'])
      }
      // Webhooks are not for B's other callers, whatever the id names: refused alike.
      for (const token of [f.b.school.members.advisor!.token, f.b.integrationClient.token]) {
        await compare({ method: 'GET', token, status: 403, foreign: hook(a.webhook.id), missing: hook(randomUUID()) })
        await compare({ method: 'POST', token, status: 403, foreign: redeliver(a.webhook.id, a.delivery.id), missing: redeliver(randomUUID(), randomUUID()) })
      }
    })

    it('and the platform-only routes refuse B alike for A\'s school and for none', async () => {
      const admin = f.b.school.members.school_admin!.token
      await compare({ method: 'GET', token: admin, status: 403, foreign: `/v1/schools/${f.a.school.id}`, missing: `/v1/schools/${randomUUID()}` })
      await compare({ method: 'PATCH', token: admin, status: 403, payload: { status: 'disabled' }, foreign: `/v1/schools/${f.a.school.id}`, missing: `/v1/schools/${randomUUID()}` })
    })
  })

  describe('writes aimed at A\'s rows by B leave them unchanged', () => {
    const admin = () => f.b.school.members.school_admin!.token

    it('PATCH and DELETE of A\'s identity provider', async () => {
      const before = await row('identity_providers', f.a.school.id, f.a.identityProvider.id)
      expect(before).toMatchObject({ id: f.a.identityProvider.id, school_id: f.a.school.id, enabled: true })
      for (const schoolId of [f.a.school.id, f.b.school.id]) {
        const url = `/v1/schools/${schoolId}/identity-providers/${f.a.identityProvider.id}`
        const patched = await t.request({ method: 'PATCH', url, token: admin(), payload: { name: 'B was here', enabled: false, issuer: 'https://attacker.example' } })
        expect(patched.statusCode).toBe(404)
        const deleted = await t.request({ method: 'DELETE', url, token: admin() })
        expect(deleted.statusCode).toBe(404)
      }
      expect(await row('identity_providers', f.a.school.id, f.a.identityProvider.id)).toEqual(before)
    })

    it('PATCH, secret rotation and DELETE of A\'s integration client; A\'s credentials keep working', async () => {
      const before = await row('integration_clients', f.a.school.id, f.a.integrationClient.id)
      expect(before).toMatchObject({ id: f.a.integrationClient.id, client_id: f.a.integrationClient.clientId, enabled: true })
      for (const schoolId of [f.a.school.id, f.b.school.id]) {
        const url = `/v1/schools/${schoolId}/integration-clients/${f.a.integrationClient.id}`
        expect((await t.request({ method: 'PATCH', url, token: admin(), payload: { enabled: false, scopes: ['reports:read'] } })).statusCode).toBe(404)
        const rotated = await t.request({ method: 'POST', url: `${url}/secret`, token: admin() })
        expect(rotated.statusCode).toBe(404)
        expect(rotated.body).not.toContain('clientSecret')
        expect((await t.request({ method: 'DELETE', url, token: admin() })).statusCode).toBe(404)
      }
      expect(await row('integration_clients', f.a.school.id, f.a.integrationClient.id)).toEqual(before)
      const token = await t.request({
        method: 'POST',
        url: '/v1/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: f.a.integrationClient.clientId, client_secret: f.a.integrationClient.clientSecret },
      })
      expect(token.statusCode).toBe(200)
    })

    it('PUT and bulk of a member with A\'s external id write B\'s own member only', async () => {
      const externalId = 'shared-person-7'
      const mine = await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: f.a.school.members.school_admin!.token, payload: { roles: ['student'], givenName: 'Ada', email: 'ada@a.example' } })
      expect(mine.statusCode).toBe(201)
      const aMember = mine.json() as { id: string }
      const before = await row('members', f.a.school.id, aMember.id)

      // Advisors: B's portal client (which may not grant or change a school admin) replaces the member too.
      const body = { roles: ['advisor'], givenName: 'Mallory', email: 'mallory@b.example' }
      const created = await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: admin(), payload: body })
      expect(created.statusCode).toBe(201)
      const bMember = created.json() as { id: string; externalId: string; givenName: string }
      expect(bMember).toMatchObject({ externalId, givenName: 'Mallory', roles: ['advisor'] })
      expect(bMember.id).not.toBe(aMember.id)
      const replaced = await t.request({ method: 'PUT', url: `/v1/members/${externalId}`, token: f.b.integrationClient.token, payload: { ...body, givenName: 'Eve' } })
      expect(replaced.statusCode).toBe(200)
      expect(replaced.json()).toMatchObject({ id: bMember.id, givenName: 'Eve' })
      const bulk = await t.request({ method: 'POST', url: '/v1/members:bulk', token: admin(), payload: { members: [{ externalId, ...body, givenName: 'Trent' }] } })
      expect(bulk.statusCode).toBe(200)
      expect(bulk.json()).toEqual({ created: 0, updated: 1, members: [{ externalId, id: bMember.id, outcome: 'updated' }] })

      expect(await row('members', f.a.school.id, aMember.id)).toEqual(before)
      const { rows } = await owner.query<{ school_id: string; id: string; given_name: string }>(
        'SELECT school_id::text, id::text, given_name FROM members WHERE external_id = $1 ORDER BY given_name',
        [externalId],
      )
      expect(rows).toEqual([
        { school_id: f.a.school.id, id: aMember.id, given_name: 'Ada' },
        { school_id: f.b.school.id, id: bMember.id, given_name: 'Trent' },
      ])
    })

    it('PATCH and DELETE of A\'s contacts, outreach and referral; A\'s student still sees them all', async () => {
      const a = f.a.conversations
      const tables = { contacts: [a.contact.id, a.referredContact.id], outreach: [a.outreach.id], referrals: [a.referral.id] }
      const before = await rowsById(f.a.school.id, tables)
      expect(before.every(Boolean)).toBe(true)
      const student = f.b.school.members.student!.token
      for (const id of [a.contact.id, a.referredContact.id]) {
        const answers = [
          await t.request({ method: 'PATCH', url: `/v1/contacts/${id}`, token: student, payload: { fullName: 'B was here', email: 'b@b.example' } }),
          await t.request({ method: 'POST', url: `/v1/contacts/${id}/outreach`, token: student, payload: { channel: 'email', mutualContact: 'B' } }),
          await t.request({ method: 'PATCH', url: `/v1/contacts/${id}/outreach/${a.outreach.id}`, token: student, payload: { outcome: 'declined' } }),
          await t.request({ method: 'DELETE', url: `/v1/contacts/${id}`, token: student }),
        ]
        expect(answers.map((answer) => answer.statusCode)).toEqual([404, 404, 404, 404])
      }
      expect((await t.request({ method: 'PATCH', url: `/v1/referrals/${a.referral.id}`, token: student, payload: { status: 'declined', note: 'B' } })).statusCode).toBe(404)
      // B's staff may not write at all.
      for (const caller of ['advisor', 'school_admin'] as const) {
        const token = f.b.school.members[caller]!.token
        expect((await t.request({ method: 'DELETE', url: `/v1/contacts/${a.contact.id}`, token })).statusCode).toBe(403)
        expect((await t.request({ method: 'PATCH', url: `/v1/referrals/${a.referral.id}`, token, payload: { status: 'met' } })).statusCode).toBe(403)
      }
      const after = await rowsById(f.a.school.id, tables)
      expect(after).toEqual(before)
      const mine = f.a.school.members.student!.token
      const contacts = await t.request({ method: 'GET', url: '/v1/contacts?limit=100', token: mine })
      // Their two contacts, and the one their request to A's host added.
      expect((contacts.json() as { items: Array<{ id: string }> }).items.map((item) => item.id).sort()).toEqual([a.contact.id, a.referredContact.id, f.a.hosting.request.contactId].sort())
      const log = await t.request({ method: 'GET', url: `/v1/contacts/${a.contact.id}/outreach`, token: mine })
      expect(log.json()).toMatchObject({ items: [{ id: a.outreach.id, outcome: 'agreed' }] })
    })

    it('a contact with the email A\'s student uses is B\'s own: created, not a conflict that names A\'s contact', async () => {
      const { email, id } = f.a.conversations.contact
      const created = await t.request({ method: 'POST', url: '/v1/contacts', token: f.b.school.members.student!.token, payload: { fullName: 'Same person', email, source: 'cold' } })
      expect(created.statusCode, created.body).toBe(201)
      const body = created.json() as { id: string; studentId: string }
      expect(body.id).not.toBe(id)
      expect(body.studentId).toBe(f.b.conversations.studentId)
      expect(created.body).not.toContain(id)
      expect(await row('contacts', f.b.school.id, body.id)).toMatchObject({ email, student_id: f.b.conversations.studentId })
      // A second one is a conflict with B's own contact, not A's.
      const again = await t.request({ method: 'POST', url: '/v1/contacts', token: f.b.school.members.student!.token, payload: { fullName: 'Again', email: email.toUpperCase(), source: 'cold' } })
      expect(again.statusCode).toBe(409)
      expect(again.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', existingId: body.id })
      // Clean up: B's lists elsewhere in this file expect B's fixture alone.
      expect((await t.request({ method: 'DELETE', url: `/v1/contacts/${body.id}`, token: f.b.school.members.student!.token })).statusCode).toBe(204)
    })

    it('transitions and preparation of A\'s meeting, edits of A\'s questions, revocation of A\'s feeds; A keeps them all', async () => {
      const a = f.a
      const tables = { meetings: [a.meeting.id], questions: [a.questionBank.custom.id, a.questionBank.standardId], calendar_feeds: Object.values(a.calendarFeeds).map((feed) => feed.id) }
      const before = await rowsById(a.school.id, tables)
      expect(before.every(Boolean)).toBe(true)
      const url = `/v1/meetings/${a.meeting.id}`
      const later = new Date(Date.parse(a.meeting.startsAt) + 3 * 86_400_000)
      const window = { startsAt: later.toISOString(), endsAt: new Date(later.getTime() + 30 * 60_000).toISOString() }
      const writes: Array<['POST' | 'PUT', string, object]> = [
        ['POST', `${url}/schedule`, window],
        ['PUT', `${url}/preparation`, { homework: null, questionIds: [], customQuestions: [] }],
        ['POST', `${url}/resume-sent`, { note: 'B' }],
        ['POST', `${url}/cancel`, { reason: 'B' }],
        ['POST', `${url}/decline`, { reason: 'B' }],
      ]
      const student = f.b.school.members.student!.token
      for (const [method, path, payload] of writes) expect((await t.request({ method, url: path, token: student, payload })).statusCode, path).toBe(404)
      for (const caller of ['advisor', 'school_admin'] as const) {
        const token = f.b.school.members[caller]!.token
        for (const [method, path, payload] of writes) expect((await t.request({ method, url: path, token, payload })).statusCode, path).toBe(403)
        for (const id of tables.questions) expect((await t.request({ method: 'PATCH', url: `/v1/questions/${id}`, token, payload: { text: 'Reworded by B?', archived: true } })).statusCode).toBe(404)
      }
      for (const caller of ['student', 'alumni', 'advisor', 'school_admin'] as const) {
        for (const id of tables.calendar_feeds) expect((await t.request({ method: 'DELETE', url: `/v1/calendar-feeds/${id}`, token: f.b.school.members[caller]!.token })).statusCode).toBe(404)
      }
      expect(await rowsById(a.school.id, tables)).toEqual(before)
      // A's student still has the meeting as prepared, its calendar and its feed; A's bank still has A's question.
      const mine = a.school.members.student!.token
      const meeting = await t.request({ method: 'GET', url, token: mine })
      expect(meeting.json()).toMatchObject({ status: 'scheduled', startsAt: a.meeting.startsAt, homework: a.meeting.homework, purpose: a.meeting.purpose })
      expect((meeting.json() as { questions: Array<{ text: string }> }).questions.map((question) => question.text)).toContain(a.meeting.customQuestion)
      expect(calendarUids((await t.request({ method: 'GET', url: `${url}/calendar.ics`, token: mine })).body)).toEqual([`${a.meeting.id}@vantage`])
      for (const feed of Object.values(a.calendarFeeds)) expect((await t.request({ method: 'GET', url: feed.path })).statusCode).toBe(200)
      const bank = await t.request({ method: 'GET', url: '/v1/questions', token: a.school.members.advisor!.token })
      expect((bank.json() as { items: Array<{ id: string; text: string }> }).items).toContainEqual(expect.objectContaining({ id: a.questionBank.custom.id, text: a.questionBank.custom.text }))
    })

    it('completing B\'s own meeting with A\'s contacts as referrals is a 404 that writes nothing', async () => {
      // B's own meeting, scheduled a day ahead, then begun on the app's clock (moved forward for this test).
      const student = f.b.school.members.student!.token
      const hour = 3_600_000
      const start = Math.ceil(Date.now() / hour) * hour + 24 * hour
      const window = { startsAt: new Date(start).toISOString(), endsAt: new Date(start + 30 * 60_000).toISOString() }
      const requested = await t.request({
        method: 'POST',
        url: '/v1/meetings',
        token: student,
        payload: { contactId: f.b.conversations.referredContact.id, kind: 'informational_interview', purpose: 'Shadowing chat', mode: 'phone', proposedSlots: [window] },
      })
      expect(requested.statusCode, requested.body).toBe(201)
      const url = `/v1/meetings/${(requested.json() as { id: string }).id}`
      expect((await t.request({ method: 'POST', url: `${url}/schedule`, token: student, payload: window })).statusCode).toBe(200)
      clockSkewMs = 26 * hour
      try {
        const before = { a: await snapshotSchool(owner, f.a.school.id), b: await snapshotSchool(owner, f.b.school.id) }
        const complete = (referrals: object[]) => t.request({ method: 'POST', url: `${url}/complete`, token: student, payload: { rating: 4, askedForReferrals: true, referrals } })
        const bContact = { referred: { contactId: f.b.conversations.contact.id }, note: 'B' }
        for (const [foreign, missing] of [
          [[{ referred: { contactId: f.a.conversations.contact.id } }], [{ referred: { contactId: randomUUID() } }]],
          [[bContact, { referred: { contactId: f.a.conversations.referredContact.id } }], [bContact, { referred: { contactId: randomUUID() } }]],
        ]) {
          const answers = [await complete(foreign!), await complete(missing!)]
          for (const answer of answers) expect(answer.statusCode, answer.body).toBe(404)
          expect(answers[0]!.body).toBe(answers[1]!.body)
          for (const secret of secretsOf(f.a)) expect(answers[0]!.body).not.toContain(secret)
        }
        expect(await snapshotSchool(owner, f.a.school.id)).toEqual(before.a)
        expect(await snapshotSchool(owner, f.b.school.id)).toEqual(before.b)
        // With B's own contact alone it completes: the 404s above were A's contacts'.
        const done = await complete([bContact])
        expect(done.statusCode, done.body).toBe(200)
        expect(done.json()).toMatchObject({ status: 'completed' })
      } finally {
        clockSkewMs = 0
      }
    })

    it('writes to A\'s host profile, request, programme and run; A\'s host, student and advisor still see them as they were', async () => {
      const a = f.a.hosting
      const hostRow = async () => (await owner.query('SELECT to_jsonb(h) AS row FROM host_profiles h WHERE school_id = $1 AND member_id = $2', [f.a.school.id, a.host.memberId])).rows[0]?.row
      const tables = {
        host_requests: [a.request.id],
        meetings: [a.request.meetingId],
        contacts: [a.request.contactId],
        programs: [a.program.id],
        assignment_runs: [a.run.id],
      }
      const before = { rows: await rowsById(f.a.school.id, tables), host: await hostRow() }
      expect(before.rows.every(Boolean) && Boolean(before.host)).toBe(true)
      const participants = async () => {
        const hosts = await owner.query('SELECT host_id::text, capacity FROM program_hosts WHERE school_id = $1 AND program_id = $2', [f.a.school.id, a.program.id])
        const students = await owner.query('SELECT student_id::text, placements FROM program_students WHERE school_id = $1 AND program_id = $2', [f.a.school.id, a.program.id])
        return { hosts: hosts.rows, students: students.rows }
      }
      const beforeParticipants = await participants()
      expect(beforeParticipants).toEqual({ hosts: [{ host_id: a.host.memberId, capacity: 1 }], students: [{ student_id: f.a.school.members.student!.id, placements: 1 }] })

      const as = (caller: 'student' | 'alumni' | 'advisor' | 'school_admin') => f.b.school.members[caller]!.token
      const writes: Array<['student' | 'alumni' | 'advisor' | 'school_admin', 'POST' | 'PUT' | 'PATCH', string, object | undefined, number]> = [
        ['school_admin', 'PUT', `/v1/hosts/${a.host.memberId}`, { ...hostProfileBody('mallory', '+1 555 000 0000'), accepting: false }, 404],
        ['alumni', 'PUT', `/v1/hosts/${a.host.memberId}`, { ...hostProfileBody('mallory', '+1 555 000 0000'), accepting: false }, 403],
        ['alumni', 'POST', `/v1/host-requests/${a.request.id}/accept`, { slot: 0 }, 404],
        ['alumni', 'POST', `/v1/host-requests/${a.request.id}/decline`, { reason: 'B' }, 404],
        ['student', 'POST', `/v1/host-requests/${a.request.id}/withdraw`, undefined, 404],
        ['student', 'POST', `/v1/meetings/${a.request.meetingId}/cancel`, { reason: 'B' }, 404],
        ['advisor', 'PATCH', `/v1/programs/${a.program.id}`, { name: 'B', modes: ['phone'] }, 404],
        ['advisor', 'PUT', `/v1/programs/${a.program.id}/hosts`, { hosts: [] }, 404],
        ['school_admin', 'PUT', `/v1/programs/${a.program.id}/students`, { students: [] }, 404],
        ['advisor', 'POST', `/v1/programs/${a.program.id}/assignment-runs`, { forbidden: [] }, 404],
        ['school_admin', 'POST', `/v1/programs/${a.program.id}/assignment-runs/${a.run.id}/publish`, undefined, 404],
        ['advisor', 'POST', `/v1/programs/${f.b.hosting.program.id}/assignment-runs/${a.run.id}/publish`, undefined, 404],
      ]
      for (const [caller, method, url, payload, status] of writes) {
        const answer = await t.request({ method, url, token: as(caller), ...(payload ? { payload } : {}) })
        expect(answer.statusCode, `${caller} ${method} ${url}: ${answer.body}`).toBe(status)
      }
      expect(await rowsById(f.a.school.id, tables)).toEqual(before.rows)
      expect(await hostRow()).toEqual(before.host)
      expect(await participants()).toEqual(beforeParticipants)
      // No request was sent for A's run, to anyone of either school.
      expect((await owner.query('SELECT count(*)::int AS n FROM host_requests WHERE run_id = $1', [a.run.id])).rows[0].n).toBe(0)

      // A's people see them as they were: the host still has the request to answer, the run is unpublished.
      const mine = (caller: 'student' | 'alumni' | 'advisor') => f.a.school.members[caller]!.token
      const request = await t.request({ method: 'GET', url: `/v1/host-requests/${a.request.id}`, token: mine('alumni') })
      expect(request.json()).toMatchObject({ id: a.request.id, status: 'pending', declineReason: null, respondedAt: null, host: { memberId: a.host.memberId, organization: a.host.organization } })
      const host = await t.request({ method: 'GET', url: `/v1/hosts/${a.host.memberId}`, token: mine('student') })
      expect(host.json()).toMatchObject({ organization: a.host.organization, accepting: true, contact: null })
      const run = await t.request({ method: 'GET', url: `/v1/programs/${a.program.id}/assignment-runs/${a.run.id}`, token: mine('advisor') })
      expect(run.json()).toMatchObject({ id: a.run.id, publishedAt: null, pairs: [{ studentId: f.a.school.members.student!.id, hostId: a.host.memberId }] })
      const program = await t.request({ method: 'GET', url: `/v1/programs/${a.program.id}`, token: mine('advisor') })
      expect(program.json()).toMatchObject({ program: { name: a.program.name, status: 'draft', publishedRunId: null }, hosts: [{ hostId: a.host.memberId, capacity: 1 }] })
    })

    it('PATCH, secret rotation and DELETE of A\'s webhook and redelivery of its delivery; A keeps its webhook, secret and log', async () => {
      const a = f.a.webhooks
      /** A's webhook, its whole delivery log, its events, and the queued jobs of its deliveries, as the database holds them. */
      const state = async () => ({
        webhook: await row('webhook_subscriptions', f.a.school.id, a.webhook.id),
        deliveries: (await owner.query('SELECT to_jsonb(d) AS row FROM webhook_deliveries d WHERE school_id = $1 ORDER BY id', [f.a.school.id])).rows.map((r) => r.row),
        events: (await owner.query('SELECT to_jsonb(e) AS row FROM webhook_events e WHERE school_id = $1 ORDER BY id', [f.a.school.id])).rows.map((r) => r.row),
        jobs: (
          await owner.query('SELECT to_jsonb(j) AS row FROM graphile_worker.jobs j WHERE key = ANY($1) ORDER BY key', [
            [`webhook-dispatch:${f.a.school.id}`, ...a.deliveries.map((delivery) => `webhook-delivery:${delivery.id}`)],
          ])
        ).rows.map((r) => r.row),
      })
      const before = await state()
      expect(before.webhook).toMatchObject({ id: a.webhook.id, url: a.webhook.url, status: 'active', secret: a.webhook.secret, previous_secret: null, previous_secret_expires_at: null })
      expect((before.deliveries as Array<{ id: string; status: string }>).map((delivery) => [delivery.id, delivery.status]).sort()).toEqual(a.deliveries.map((delivery) => [delivery.id, 'pending']).sort())
      // A's deliveries wait for the school's dispatch job (no worker runs here); a redelivery would
      // queue a job of its own, and a change to the dispatch job would show too.
      expect(before.jobs.map((job) => (job as { key: string }).key)).toEqual([`webhook-dispatch:${f.a.school.id}`])

      const url = `/v1/webhooks/${a.webhook.id}`
      const own = f.b.webhooks.webhook.id
      for (const token of [admin(), f.b.integrationClient.webhookToken]) {
        const answers = [
          await t.request({ method: 'PATCH', url, token, payload: { url: `https://${WEBHOOK_HOST}/b-took-over`, eventTypes: ['meeting.requested'], description: 'B was here', status: 'disabled' } }),
          await t.request({ method: 'PATCH', url, token, payload: { status: 'active' } }),
          await t.request({ method: 'POST', url: `${url}/secret`, token, payload: { previousValidForHours: 0 } }),
          await t.request({ method: 'POST', url: `${url}/secret`, token, payload: { previousValidForHours: 168 } }),
          await t.request({ method: 'POST', url: `${url}/secret`, token, payload: {} }),
          await t.request({ method: 'POST', url: `${url}/deliveries/${a.delivery.id}/redeliver`, token }),
          await t.request({ method: 'POST', url: `/v1/webhooks/${own}/deliveries/${a.delivery.id}/redeliver`, token }),
          await t.request({ method: 'DELETE', url, token }),
        ]
        expect(answers.map((answer) => answer.statusCode)).toEqual([404, 404, 404, 404, 404, 404, 404, 404])
        // No secret of anyone's in the answers to the rotations: not a new one, not A's.
        for (const answer of answers) {
          expect(answer.body).not.toContain('whsec_')
          expect(answer.body).not.toContain(a.webhook.secret)
        }
      }
      // B's other callers may not touch webhooks at all.
      for (const token of [f.b.school.members.advisor!.token, f.b.integrationClient.token]) {
        expect((await t.request({ method: 'POST', url: `${url}/secret`, token, payload: { previousValidForHours: 0 } })).statusCode).toBe(403)
        expect((await t.request({ method: 'DELETE', url, token })).statusCode).toBe(403)
      }
      const after = await state()
      expect(after).toEqual(before)
      expect((after.webhook as { secret: string }).secret).toBe(a.webhook.secret)

      // A's admin still has the webhook as it was, and its whole log.
      const mine = f.a.school.members.school_admin!.token
      const webhook = await t.request({ method: 'GET', url, token: mine })
      expect(webhook.statusCode).toBe(200)
      expect(webhook.json()).toMatchObject({ id: a.webhook.id, url: a.webhook.url, description: a.webhook.description, status: 'active', disabledReason: null, previousSecretValidUntil: null })
      const log = await t.request({ method: 'GET', url: `${url}/deliveries?limit=100`, token: mine })
      expect((log.json() as { items: Array<{ id: string; status: string }> }).items.map((item) => [item.id, item.status]).sort()).toEqual(a.deliveries.map((delivery) => [delivery.id, 'pending']).sort())
    })

    it('PATCH of A\'s school', async () => {
      const before = (await owner.query('SELECT to_jsonb(s) AS row FROM schools s WHERE id = $1', [f.a.school.id])).rows[0]
      const answer = await t.request({ method: 'PATCH', url: `/v1/schools/${f.a.school.id}`, token: admin(), payload: { status: 'disabled' } })
      expect(answer.statusCode).toBe(403)
      expect((await owner.query('SELECT to_jsonb(s) AS row FROM schools s WHERE id = $1', [f.a.school.id])).rows[0]).toEqual(before)
    })
  })

  describe('the public calendar feed URL', () => {
    const feedPath = (schoolId: string, feedId: string, secret: string) => `/v1/calendar/${schoolId}/${feedId}/${secret}.ics`
    const get = (url: string) => t.request({ method: 'GET', url })

    it('answers A\'s feed with A\'s meeting, and B\'s with B\'s own', async () => {
      const a = await get(f.a.calendarFeeds.student.path)
      expect(a.statusCode, a.body).toBe(200)
      expect(a.headers['content-type']).toBe('text/calendar; charset=utf-8')
      expect(calendarUids(a.body)).toEqual([`${f.a.meeting.id}@vantage`])
      const b = await get(f.b.calendarFeeds.student.path)
      expect(b.statusCode).toBe(200)
      expect(calendarUids(b.body)).toContain(`${f.b.meeting.id}@vantage`)
      for (const secret of secretsOf(f.a)) expect(unfoldCalendar(b.body)).not.toContain(secret)
      // The check above reads events as a calendar does: A's feed, read the same way, names A's meeting.
      for (const secret of [f.a.meeting.purpose, f.a.meeting.location, f.a.conversations.contact.fullName]) expect(unfoldCalendar(a.body)).toContain(secret)
      // Staff feeds hold no one's meetings: a feed is its own member's booked meetings, not the school's.
      for (const role of ['advisor', 'school_admin', 'alumni'] as const) expect(calendarUids((await get(f.a.calendarFeeds[role].path)).body), role).toEqual([])
    })

    it('B cannot read A\'s feed: B\'s school id in A\'s URL, a wrong secret or B\'s secret answer 404, as for a feed no one has', async () => {
      const a = f.a.calendarFeeds.student
      const b = f.b.calendarFeeds.student
      const last = a.secret.at(-1) === 'A' ? 'B' : 'A'
      const foreign = [
        feedPath(f.b.school.id, a.id, a.secret), // B's school id in A's URL
        feedPath(randomUUID(), a.id, a.secret), // a school no one has
        feedPath(f.a.school.id, a.id, 'y'.repeat(32)), // A's school and feed, a wrong secret
        feedPath(f.a.school.id, a.id, `${a.secret.slice(0, -1)}${last}`), // one character off
        feedPath(f.a.school.id, a.id, b.secret), // B's own secret in A's URL
        feedPath(f.a.school.id, b.id, b.secret), // B's feed under A's school
        feedPath(f.b.school.id, f.a.calendarFeeds.advisor.id, a.secret), // A's student's secret on A's advisor's feed, in B's school
      ]
      const missingPath = feedPath(randomUUID(), randomUUID(), 'z'.repeat(32))
      const missing = await get(missingPath)
      expect(missing.statusCode).toBe(404)
      for (const path of foreign) {
        const answer = await get(path)
        expect(answer.statusCode, path).toBe(404)
        expect(answer.headers['content-type']).toBe(PROBLEM_JSON)
        expect(answer.json()).toMatchObject({ type: 'urn:vantage:problem:not-found', status: 404, instance: path })
        expect(answer.body.replaceAll(path, '<path>'), path).toBe(missing.body.replaceAll(missingPath, '<path>'))
        expect(Object.keys(answer.headers).sort()).toEqual(Object.keys(missing.headers).sort())
        const rest = answer.body.replaceAll(path, '<path>')
        for (const secret of secretsOf(f.a)) expect(rest).not.toContain(secret)
      }
      // A's URL still works.
      expect((await get(a.path)).statusCode).toBe(200)
    })
  })

  describe('the token endpoint keeps client credentials in their school', () => {
    async function token(clientId: string, clientSecret: string) {
      return t.request({ method: 'POST', url: '/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } })
    }

    it('refuses A\'s client id with B\'s secret, and A\'s slug in front of B\'s client id', async () => {
      const { clientId: aId } = f.a.integrationClient
      const { clientId: bId, clientSecret: bSecret } = f.b.integrationClient
      for (const answer of [await token(aId, bSecret), await token(`${f.a.school.slug}.${bId.slice(bId.indexOf('.') + 1)}`, bSecret)]) {
        expect(answer.statusCode).toBe(401)
        expect(answer.json()).toMatchObject({ type: 'urn:vantage:problem:client-invalid', error: 'invalid_client' })
      }
      const own = await token(bId, bSecret)
      expect(own.statusCode).toBe(200)
      const me = await t.request({ method: 'GET', url: '/v1/me', token: (own.json() as { access_token: string }).access_token })
      expect(me.json()).toMatchObject({ kind: 'client', school: { id: f.b.school.id } })
    })
  })

  describe('the shared connection pool', () => {
    it('runs each query with its own school, however the schools interleave on one connection', async () => {
      // One connection for everything: every query for A follows one for B on the same session.
      const database = new Database({ url: t.db.appUrl, poolMax: 1, connectTimeoutMs: 3000, queryTimeoutMs: 3000 })
      try {
        const expected = new Map<string, string[]>()
        for (const school of [f.a.school, f.b.school]) {
          const { rows } = await owner.query<{ id: string }>('SELECT id::text FROM members WHERE school_id = $1 ORDER BY id', [school.id])
          expected.set(school.id, rows.map((r) => r.id))
        }
        const runs = Array.from({ length: 40 }, async (_, index) => {
          const schoolId = index % 2 === 0 ? f.a.school.id : f.b.school.id
          const { db } = database.forSchool(schoolId)
          // No school filter: row-level security alone decides what the query sees.
          const rows =
            index % 4 < 2
              ? await db.member.findMany({ select: { id: true, schoolId: true }, orderBy: { id: 'asc' } })
              : await db.$transaction(async (tx) => tx.member.findMany({ select: { id: true, schoolId: true }, orderBy: { id: 'asc' } }))
          return { schoolId, rows }
        })
        for (const { schoolId, rows } of await Promise.all(runs)) {
          expect(rows.map((r) => r.id)).toEqual(expected.get(schoolId))
          expect(new Set(rows.map((r) => r.schoolId))).toEqual(new Set([schoolId]))
        }
        // The platform handle names no school: it sees no tenant row at all.
        expect(await database.platform.member.findMany()).toEqual([])
        expect(await database.platform.identityProvider.count()).toBe(0)
        expect(await database.platform.integrationClient.count()).toBe(0)
      } finally {
        await database.close()
      }
    })
  })

  describe('identity providers of two schools with the same issuer and audience', () => {
    // Regression: the issuer and audience of a token decide its school. Before the fix, B's admin could
    // copy A's issuer, audience and public keys into B's own provider, and the authenticator took
    // whichever candidate identity_providers_for_issuer listed first: A's members signed in to school B
    // (created there by just-in-time provisioning). Now the copy is refused and A keeps its members.
    it('B cannot register A\'s issuer and audience, and A\'s members keep signing in to A', async () => {
      const issuer = 'https://sso.shared.example'
      const audience = 'shared-portal'
      const a = await t.school('sso-a', ['student', 'school_admin'])
      const b = await t.school('sso-b', ['school_admin'])
      const { publicKey, privateKey } = await generateKeyPair('ES256')
      const jwk = { ...(await exportJWK(publicKey)), kid: 'a-1', alg: 'ES256' }
      const provider = { name: 'A SSO', issuer, audience, jwks: { keys: [jwk] }, algorithms: ['ES256'] }
      const created = await t.request({ method: 'POST', url: `/v1/schools/${a.id}/identity-providers`, token: a.members.school_admin!.token, payload: provider })
      expect(created.statusCode).toBe(201)
      const signIn = async () => {
        const token = await new SignJWT({})
          .setProtectedHeader({ alg: 'ES256', kid: 'a-1' })
          .setIssuer(issuer)
          .setAudience(audience)
          .setSubject(a.members.student!.externalId)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey)
        return t.request({ method: 'GET', url: '/v1/me', token })
      }
      const expected = { via: 'identity-provider', school: { id: a.id }, member: { id: a.members.student!.id } }
      expect((await signIn()).json()).toMatchObject(expected)

      // B copies A's public configuration: refused, without naming A.
      const bAdmin = b.members.school_admin!.token
      const copy = await t.request({
        method: 'POST',
        url: `/v1/schools/${b.id}/identity-providers`,
        token: bAdmin,
        payload: { ...provider, name: 'copy', jitProvisioning: true, rolesClaim: 'roles' },
      })
      expect(copy.statusCode).toBe(409)
      expect(copy.json()).toMatchObject({ type: 'urn:vantage:problem:conflict', status: 409 })
      expect(copy.body).not.toContain(a.id)
      // Nor A's issuer with an audience of B's own (an issuer is trusted by one school unless a platform
      // operator shares it), nor can B move a provider of its own onto the issuer or the pair.
      const sameIssuer = await t.request({ method: 'POST', url: `/v1/schools/${b.id}/identity-providers`, token: bAdmin, payload: { ...provider, audience: 'b-portal' } })
      expect(sameIssuer.statusCode).toBe(409)
      expect(sameIssuer.body).not.toContain(a.id)
      const own = await t.request({
        method: 'POST',
        url: `/v1/schools/${b.id}/identity-providers`,
        token: bAdmin,
        payload: { ...provider, issuer: 'https://sso.b-own.example', audience: 'b-portal' },
      })
      expect(own.statusCode, own.body).toBe(201)
      for (const move of [{ issuer }, { issuer, audience }]) {
        const moved = await t.request({ method: 'PATCH', url: `/v1/schools/${b.id}/identity-providers/${(own.json() as { id: string }).id}`, token: bAdmin, payload: move })
        expect(moved.statusCode).toBe(409)
        expect(moved.body).not.toContain(a.id)
      }
      const { rows } = await owner.query('SELECT school_id::text FROM identity_providers WHERE issuer = $1 AND audience = $2', [issuer, audience])
      expect(rows).toEqual([{ school_id: a.id }])

      // A edits its own provider (an issuer change and back) and keeps the pair.
      const url = `/v1/schools/${a.id}/identity-providers/${(created.json() as { id: string }).id}`
      for (const next of ['https://sso.moved.example', issuer]) {
        expect((await t.request({ method: 'PATCH', url, token: a.members.school_admin!.token, payload: { issuer: next } })).statusCode).toBe(200)
      }
      const me = await signIn()
      expect(me.statusCode, me.body).toBe(200)
      expect(me.json()).toMatchObject(expected)
    })
  })
})
