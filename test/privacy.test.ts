// A member's export and erasure, proved by walking the database: every personal field of the
// fixture carries a marker unique to its member; the walk searches every column of every table
// (both schemas: the service's and the job queue's) for the marker. The export must hold every
// value found, and after erasure the walk must find the marker nowhere, while report counts stay as
// they were. A second walk, over the catalog, fails when a column referencing members is in neither
// the export's map nor the documented list of non-personal columns.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MEMBER_DATA, NOT_PERSONAL } from '../src/modules/privacy/data-map.js'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { hostProfileBody } from './helpers/cross-tenant.js'
import { until } from './helpers/until.js'

describe('privacy: export and erasure', () => {
  let t: TestApp
  let school: TestSchool
  let other: TestSchool
  let owner: pg.Client
  const student = { id: '', externalId: 'privacy-student', marker: `zqs${randomBytes(6).toString('hex')}` }
  const alumnus = { id: '', externalId: 'privacy-alumnus', marker: `zqa${randomBytes(6).toString('hex')}` }
  let classmate = ''

  beforeAll(async () => {
    t = await build({ WEBHOOK_ALLOWED_HOSTS: 'hooks.privacy.test' })
    school = await t.school('privacy-u')
    other = await t.school('privacy-v', ['school_admin'])
    owner = await ownerConnection(t)
    const admin = school.members.school_admin!.token
    const put = async (externalId: string, roles: string[], marker: string) => {
      const response = await t.request({
        method: 'PUT',
        url: `/v1/members/${externalId}`,
        token: admin,
        payload: { roles, givenName: `${marker}-given`, familyName: `${marker}-family`, email: `${marker}@privacy.example`, major: `${marker}-major`, graduationYear: 2028, fieldsOfInterest: [`${marker}-field`], backgroundTags: [`${marker}-tag`] },
      })
      expect(response.statusCode, response.body).toBe(201)
      return response.json().id as string
    }
    student.id = await put(student.externalId, ['student'], student.marker)
    alumnus.id = await put(alumnus.externalId, ['alumni'], alumnus.marker)
    classmate = await put('privacy-classmate', ['student'], 'classmate')
    // A school admin subscribes to member.erased (nothing is sent here: no workers run in this file).
    expect((await t.request({ method: 'POST', url: '/v1/webhooks', token: admin, payload: { url: 'https://hooks.privacy.test/events', eventTypes: ['member.erased', 'meeting.requested'] } })).statusCode).toBe(201)

    const s = student.marker
    const a = alumnus.marker
    await owner.query(`SELECT set_config('app.school_id', $1, false)`, [school.id])
    // The student's network: a contact, outreach, a referral, a meeting with everything a student writes, a feed.
    const { rows: [contact] } = await owner.query(
      `INSERT INTO contacts (school_id, id, student_id, full_name, title, organization, industry, email, phone, linkedin_url, notes, source, background_tags, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, $3 || ' Person', $3 || ' title', 'Mercy Hospital', 'healthcare', $3 || '@contact.example', '+1 555 ' || $3, 'https://linkedin.com/in/' || $3, $3 || ' notes', 'personal', ARRAY[$3 || '-ctag'], now())
       RETURNING id::text`, [school.id, student.id, s])
    await owner.query(
      `INSERT INTO outreach (school_id, id, contact_id, student_id, channel, sent_at, message, mutual_contact, outcome, outcome_at, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, $3, 'email', now(), $4 || ' message', $4 || ' mutual', 'replied', now(), now())`, [school.id, contact.id, student.id, s])
    const { rows: [referred] } = await owner.query(
      `INSERT INTO contacts (school_id, id, student_id, full_name, organization, source, updated_at) VALUES ($1, uuid_generate_v7(), $2, $3 || ' Referred', 'Globex', 'referral', now()) RETURNING id::text`,
      [school.id, student.id, s])
    await owner.query(
      `INSERT INTO referrals (school_id, id, student_id, referrer_name, referred_contact_id, status, note, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, $3 || ' Referrer', $4, 'suggested', $3 || ' note', now())`, [school.id, student.id, s, referred.id])
    const { rows: [meeting] } = await owner.query(
      `INSERT INTO meetings (school_id, id, student_id, contact_id, kind, status, purpose, mode, location, proposed_slots, itinerary, resume_note, homework, questions, notes, reflections, closed_reason, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, $3, 'informational_interview', 'requested', $4 || ' purpose', 'in_person', $4 || ' location',
               jsonb_build_array(jsonb_build_object('startsAt', '2031-01-06T15:00:00.000Z', 'endsAt', '2031-01-06T15:30:00.000Z')),
               jsonb_build_array(jsonb_build_object('title', $4 || ' itinerary')), $4 || ' resume', $4 || ' homework',
               jsonb_build_array(jsonb_build_object('text', $4 || ' question')), $4 || ' meeting notes', $4 || ' reflections', $4 || ' closed', now())
       RETURNING id::text`, [school.id, student.id, contact.id, s])
    await owner.query(`INSERT INTO calendar_feeds (school_id, id, member_id, secret_hash) VALUES ($1, uuid_generate_v7(), $2, $3)`, [school.id, student.id, `${s}-hash`])
    // The alumnus as a host, in another student's network, and asked by the student (the decline names the student).
    await owner.query(
      `INSERT INTO host_profiles (school_id, member_id, organization, title, industries, offers, modes, location, time_zone, bio, contact_email, contact_phone,
                                  max_meetings_per_month, max_shadow_days_per_term, max_open_requests, weekly_windows, background_tags, updated_at)
       VALUES ($1, $2, 'Initech', $3 || ' title', ARRAY['software'], ARRAY['informational_interview']::meeting_kind[], ARRAY['video']::meeting_mode[], $3 || ' city', 'UTC',
               $3 || ' bio', $3 || '@host.example', '+1 555 ' || $3, 4, 2, 3, '[]', ARRAY[$3 || '-htag'], now())`, [school.id, alumnus.id, a])
    await owner.query(
      `INSERT INTO contacts (school_id, id, student_id, full_name, email, organization, alumni_member_id, notes, source, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, $3 || ' Alumnus', $3 || '@classmate.example', 'Initech', $4, $3 || ' classmate notes', 'alumni_network', now())`,
      [school.id, classmate, a, alumnus.id])
    await owner.query(
      `INSERT INTO host_requests (school_id, id, group_id, student_id, host_id, meeting_id, status, expires_at, responded_at, decline_reason, reasons, updated_at)
       VALUES ($1, uuid_generate_v7(), gen_random_uuid(), $2, $3, $4, 'declined', now() + interval '7 days', now(), $5 || ' declined', jsonb_build_array($5 || ' reason'), now())`,
      [school.id, student.id, alumnus.id, meeting.id, s])
    const { rows: [program] } = await owner.query(
      `INSERT INTO programs (school_id, id, name, kind, modes, starts_on, ends_on, updated_at)
       VALUES ($1, uuid_generate_v7(), 'Shadow week', 'job_shadow', ARRAY['video']::meeting_mode[], '2031-01-06', '2031-01-17', now()) RETURNING id::text`, [school.id])
    await owner.query(`INSERT INTO program_hosts (school_id, program_id, host_id, capacity) VALUES ($1, $2, $3, 2)`, [school.id, program.id, alumnus.id])
    await owner.query(
      `INSERT INTO program_students (school_id, program_id, student_id, placements, preferences, modes, location) VALUES ($1, $2, $3, 1, ARRAY[$4::uuid], ARRAY['video']::meeting_mode[], $5 || ' home')`,
      [school.id, program.id, student.id, alumnus.id, s])
    // An assignment run of the programme: the student's pinned pair (its reasons name their field and
    // background), a classmate's pair, and the student left one placement short.
    const pair = (studentId: string, pinned: boolean, reasons: Array<{ code: string; text: string }>) => ({ studentId, hostId: alumnus.id, score: 0.7, fit: 1, preferenceRank: 1, pinned, reasons })
    await owner.query(
      `INSERT INTO assignment_runs (school_id, id, program_id, created_by, input_digest, pins, forbidden, objective, pairs, unmatched, stats)
       VALUES ($1, uuid_generate_v7(), $2, $3, repeat('0', 64), $4, '[]', 2, $5, $6, $7)`,
      [school.id, program.id, school.members.advisor!.id, JSON.stringify([{ studentId: student.id, hostId: alumnus.id }]),
        JSON.stringify([
          pair(student.id, true, [{ code: 'pinned', text: 'Pinned by an advisor' }, { code: 'shared_field', text: `Works in ${s}-field, a field you are exploring` }, { code: 'shared_background', text: `Shares your background: ${s}-tag` }]),
          pair(classmate, false, [{ code: 'shared_field', text: 'Works in classmate-field, a field you are exploring' }]),
        ]),
        JSON.stringify([{ studentId: student.id, placementsWanted: 2, placementsMade: 1, reason: 'too_few_fitting_hosts', detail: 'The student is placed with every one of the 1 fitting hosts; a host takes a student once' }]),
        JSON.stringify({ students: 2, hosts: 1, placementsWanted: 3, placementsMade: 2, candidatePairs: 2, solveMs: 0.1, placementGini: 0 })])
    // A POST the student retried with a key: its stored response repeats the contact's name.
    const token = await t.memberToken(school.id, student.externalId)
    const keyed = await t.request({ method: 'POST', url: '/v1/contacts', token, headers: { 'idempotency-key': `${s}-key` }, payload: { fullName: `${s} Keyed`, source: 'personal' } })
    expect(keyed.statusCode).toBe(201)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  /** Every column of every table (service and queue) where the marker appears: "table.column". */
  async function walk(marker: string): Promise<string[]> {
    const { rows: columns } = await owner.query<{ schema: string; table: string; column: string }>(`
      SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
        FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema IN ('public', 'graphile_worker') AND t.table_type = 'BASE TABLE'
       ORDER BY 1, 2, 3`)
    const hits: string[] = []
    for (const { schema, table, column } of columns) {
      const { rows } = await owner.query(`SELECT 1 FROM "${schema}"."${table}" WHERE "${column}"::text LIKE $1 LIMIT 1`, [`%${marker}%`])
      if (rows.length) hits.push(`${schema === 'public' ? '' : `${schema}.`}${table}.${column}`)
    }
    return hits
  }

  const reportCounts = async () =>
    (await owner.query(`SELECT metric, sum(count)::int AS n FROM (SELECT metric, count FROM report_cells WHERE school_id = $1 UNION ALL SELECT metric, count FROM report_cell_deltas WHERE school_id = $1) c GROUP BY metric ORDER BY metric`, [school.id])).rows

  it('the catalog: every column that references members is exported, or documented as holding nothing personal', async () => {
    const { rows } = await owner.query<{ column: string }>(`
      SELECT DISTINCT c.table_name || '.' || c.column_name AS column
        FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'members'
         AND (c.column_name ~ '(^|_)(student|member|host|alumni_member)_id$' OR (c.table_name, c.column_name) IN (
               SELECT cl.relname::text, a.attname::text FROM pg_constraint k
                 JOIN pg_class cl ON cl.oid = k.conrelid
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
                WHERE k.contype = 'f' AND k.confrelid = 'members'::regclass AND a.attname <> 'school_id'))
       ORDER BY 1`)
    const mapped = new Set(MEMBER_DATA.map((entry) => `${entry.table}.${entry.column}`))
    const unaccounted = rows.map((row) => row.column).filter((column) => !mapped.has(column) && !NOT_PERSONAL[column])
    expect(unaccounted).toEqual([])
    // And the map names no column that does not exist.
    const { rows: existing } = await owner.query<{ column: string }>(`SELECT table_name || '.' || column_name AS column FROM information_schema.columns WHERE table_schema = 'public'`)
    const columns = new Set(existing.map((row) => row.column))
    expect([...mapped, ...Object.keys(NOT_PERSONAL)].filter((column) => !columns.has(column))).toEqual([])
  })

  it('the export holds every value the walk finds, for the member or a school admin; nobody else gets it', async () => {
    const hits = await walk(student.marker)
    // The fixture reached every table that holds a student's words.
    expect(hits).toEqual(expect.arrayContaining([
      'members.given_name', 'members.email', 'contacts.full_name', 'contacts.notes', 'outreach.message', 'referrals.note', 'meetings.purpose',
      'meetings.notes', 'meetings.questions', 'calendar_feeds.secret_hash', 'host_requests.decline_reason', 'program_students.location', 'idempotency_keys.response_body',
      'assignment_runs.pairs',
    ]))
    const token = await t.memberToken(school.id, student.externalId)
    const own = await t.request({ method: 'GET', url: `/v1/members/${student.id}/export`, token })
    expect(own.statusCode).toBe(200)
    const byAdmin = await t.request({ method: 'GET', url: `/v1/members/${student.id}/export`, token: school.members.school_admin!.token })
    expect(byAdmin.json().data).toEqual(own.json().data)
    const document = own.json() as { format: string; memberId: string; data: Record<string, unknown> }
    expect(document).toMatchObject({ format: 'vantage-member-export/1', memberId: student.id, schoolId: school.id })
    for (const hit of hits) {
      const [table, column] = hit.split('.') as [string, string]
      // Left out on purpose: a hash, a derived search vector, and a stored response (a copy of an
      // answer, which may hold other members' data; the contact it answered is in `contacts`).
      if (column === 'secret_hash' || column === 'search' || column === 'response_body') continue
      const sections = MEMBER_DATA.filter((entry) => entry.table === table).map((entry) => entry.section)
      expect(sections, `${hit} is in no section`).not.toEqual([])
      const { rows } = await owner.query(`SELECT to_jsonb(t) -> $1 AS value FROM "${table}" t WHERE "${column}"::text LIKE $2`, [column, `%${student.marker}%`])
      const exported = sections.flatMap((section) => [document.data[section]].flat())
      // Of an array listing many members (an assignment run's pairs), the member's own entries, which
      // hold the marker.
      const entries = MEMBER_DATA.find((entry) => entry.table === table && entry.entries?.arrays.includes(column))?.entries
      for (const { value: stored } of rows) {
        const value = entries ? (stored as Array<Record<string, unknown>>).filter((item) => item[entries.key] === student.id) : stored
        if (entries) expect(JSON.stringify(value), hit).toContain(student.marker)
        expect(exported.some((row) => JSON.stringify((row as Record<string, unknown>)?.[column]) === JSON.stringify(value)), `${hit} = ${JSON.stringify(value)}`).toBe(true)
      }
    }
    expect(document.data.contacts).toContainEqual(expect.objectContaining({ full_name: `${student.marker} Keyed` }))
    const stored = document.data.idempotentRequests as Array<Record<string, unknown>>
    expect(stored).toEqual([expect.objectContaining({ key: `${student.marker}-key`, response_status: 201 })])
    expect(stored[0]).not.toHaveProperty('response_body')
    // Of the assignment run, the student's own entries: not the classmate's pair, nor the run's totals.
    const [run] = document.data.assignmentRuns as Array<Record<string, unknown>>
    expect(Object.keys(run!).sort()).toEqual(['created_at', 'forbidden', 'id', 'pairs', 'pins', 'program_id', 'published_at', 'unmatched'])
    expect(run).toMatchObject({ pairs: [expect.objectContaining({ studentId: student.id, pinned: true })], unmatched: [expect.objectContaining({ studentId: student.id })], pins: [{ studentId: student.id, hostId: alumnus.id }], forbidden: [] })
    expect(run!.pairs).toHaveLength(1)
    expect(JSON.stringify(document.data)).not.toContain(classmate)
    // Another student, an advisor, and another school's admin: 404, as for no such member.
    for (const caller of [await t.memberToken(school.id, 'privacy-classmate'), school.members.advisor!.token, other.members.school_admin!.token]) {
      const response = await t.request({ method: 'GET', url: `/v1/members/${student.id}/export`, token: caller })
      expect(response.statusCode).toBe(404)
      expect(response.body).not.toContain(student.marker)
    }
  })

  it('the export holds the confirmations of the member\'s meetings: as the student, and as the alumnus a contact names; the host\'s export leaves out reasons about the student', async () => {
    await owner.query(`SELECT set_config('app.school_id', $1, false)`, [school.id])
    const { rows: [own] } = await owner.query(`SELECT id::text FROM meetings WHERE school_id = $1 AND student_id = $2`, [school.id, student.id])
    const { rows: [naming] } = await owner.query(`SELECT id::text FROM contacts WHERE school_id = $1 AND student_id = $2 AND alumni_member_id = $3`, [school.id, classmate, alumnus.id])
    const { rows: [hosted] } = await owner.query(
      `INSERT INTO meetings (school_id, id, student_id, contact_id, kind, status, purpose, mode, proposed_slots, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, $3, 'informational_interview', 'completed', 'Learning about Initech', 'video', '[]', now()) RETURNING id::text`,
      [school.id, classmate, naming.id])
    await owner.query(`INSERT INTO meeting_confirmations (school_id, meeting_id, party, outcome) VALUES ($1, $2, 'host', 'no_show'), ($1, $3, 'student', 'happened')`, [school.id, own.id, hosted.id])
    // Reasons written to the student, on a request the alumnus received.
    await owner.query(
      `INSERT INTO host_requests (school_id, id, group_id, student_id, host_id, meeting_id, status, expires_at, reasons, updated_at)
       VALUES ($1, uuid_generate_v7(), gen_random_uuid(), $2, $3, $4, 'accepted', now() + interval '7 days',
               '[{"code": "shared_field", "text": "Works in Zoology, a field you are exploring"}, {"code": "shared_background", "text": "Shares your background: veteran"}, {"code": "responsive", "text": "Answered 3 of 4 requests"}]', now())`,
      [school.id, classmate, alumnus.id, hosted.id])
    const exportOf = async (id: string) => (await t.request({ method: 'GET', url: `/v1/members/${id}/export`, token: school.members.school_admin!.token })).json().data
    const confirmations = (data: { meetingConfirmations: Array<{ meeting_id: string; party: string; outcome: string }> }) =>
      data.meetingConfirmations.map(({ meeting_id, party, outcome }) => ({ meeting_id, party, outcome }))
    expect(confirmations(await exportOf(student.id))).toEqual([{ meeting_id: own.id, party: 'host', outcome: 'no_show' }])
    const host = await exportOf(alumnus.id)
    expect(confirmations(host)).toEqual([{ meeting_id: hosted.id, party: 'student', outcome: 'happened' }])
    const received = host.hostRequestsReceived.find((row: { meeting_id: string }) => row.meeting_id === hosted.id)
    expect(received.reasons).toEqual([{ code: 'responsive', text: 'Answered 3 of 4 requests' }])
    expect((await exportOf(classmate)).hostRequestsSent.find((row: { meeting_id: string }) => row.meeting_id === hosted.id).reasons).toHaveLength(3)
  })

  it('erasure leaves the student\'s marker and external id nowhere in the database, keeps the report counts, and is announced', async () => {
    // The portal provisioned the student by their external id: the audit log's route ids hold it.
    await until('the provisioning\'s audit event', async () => (await owner.query(`SELECT 1 FROM audit_events WHERE target ->> 'externalId' = $1`, [student.externalId])).rowCount)
    const countsBefore = await reportCounts()
    const runOf = async () => (await owner.query(`SELECT to_jsonb(r)::text AS stored, pairs, unmatched, pins, forbidden, stats, objective FROM assignment_runs r WHERE school_id = $1`, [school.id])).rows
    const [runBefore] = await runOf()
    expect(runBefore.stored).toContain(student.id)
    expect((await walk(alumnus.marker)).length).toBeGreaterThan(0)
    const alumnusBefore = await walk(alumnus.marker)
    // Only a school admin of the member's school may erase.
    expect((await t.request({ method: 'POST', url: `/v1/members/${student.id}/erase`, token: school.members.advisor!.token })).statusCode).toBe(403)
    expect((await t.request({ method: 'POST', url: `/v1/members/${student.id}/erase`, token: other.members.school_admin!.token })).statusCode).toBe(404)
    const erased = await t.request({ method: 'POST', url: `/v1/members/${student.id}/erase`, token: school.members.school_admin!.token })
    expect(erased.statusCode).toBe(200)
    expect(erased.json()).toMatchObject({ memberId: student.id, alreadyErased: false })
    expect(await walk(student.marker)).toEqual([])
    expect(await walk(student.externalId)).toEqual([])
    // The assignment run holds nothing of the student, not even their id; the classmate's pair is as
    // it was, and the run's totals are as computed.
    const [runAfter] = await runOf()
    expect(runAfter.stored).not.toContain(student.id)
    expect(runAfter).toMatchObject({ pairs: runBefore.pairs.filter((entry: { studentId: string }) => entry.studentId === classmate), unmatched: [], pins: [], forbidden: [], stats: runBefore.stats, objective: runBefore.objective })
    expect(runAfter.pairs).toHaveLength(1)
    // The audit log keeps the provisioning, by the member's opaque id.
    const { rows: provisioning } = await owner.query(`SELECT target FROM audit_events WHERE action = 'PUT /v1/members/:externalId' AND subject_ids @> ARRAY[$1::uuid]`, [student.id])
    expect(provisioning).toEqual([{ target: { externalId: `erased-${student.id}` } }])
    // The alumnus's data is untouched, and the counts reports read are the same.
    expect(await walk(alumnus.marker)).toEqual(alumnusBefore)
    expect(await reportCounts()).toEqual(countsBefore)
    // The event names the member's id only.
    const { rows: events } = await owner.query(`SELECT data FROM webhook_events WHERE type = 'member.erased' AND subject_id = $1`, [student.id])
    expect(events).toEqual([{ data: { memberId: student.id } }])
    // Twice: nothing more happens.
    const again = await t.request({ method: 'POST', url: `/v1/members/${student.id}/erase`, token: school.members.school_admin!.token })
    expect(again.json()).toEqual({ memberId: student.id, erasedAt: erased.json().erasedAt, alreadyErased: true })
    expect((await owner.query(`SELECT count(*)::int AS n FROM webhook_events WHERE type = 'member.erased'`)).rows[0].n).toBe(1)
    // The erased member's token no longer works; the export shows the anonymous remains.
    const token = await t.memberToken(school.id, student.externalId)
    expect((await t.request({ method: 'GET', url: '/v1/me', token })).statusCode).toBe(401)
    const remains = await t.request({ method: 'GET', url: `/v1/members/${student.id}/export`, token: school.members.school_admin!.token })
    expect(remains.json().data.member).toMatchObject({ given_name: null, family_name: null, email: null, status: 'disabled', external_id: `erased-${student.id}` })
    expect(remains.json().data.meetings).toEqual([expect.objectContaining({ purpose: 'Erased', kind: 'informational_interview', status: 'requested' })])
  })

  it('erasing the alumnus clears their host profile and the contacts that name them in other students\' networks', async () => {
    const erased = await t.request({ method: 'POST', url: `/v1/members/${alumnus.id}/erase`, token: school.members.school_admin!.token })
    expect(erased.statusCode).toBe(200)
    expect(await walk(alumnus.marker)).toEqual([])
    expect(await walk(alumnus.externalId)).toEqual([])
    const { rows: [profile] } = await owner.query(`SELECT accepting, organization FROM host_profiles WHERE member_id = $1`, [alumnus.id])
    expect(profile).toEqual({ accepting: false, organization: 'Initech' })
  })
})

// A member's export holds what is theirs. Of another student's contact record naming them it shows
// only that one exists (and when it was made); nothing of a student who opted out of directory
// information. Each student whose data it discloses is the read's subject in the audit log, and so
// sees it in their disclosure log.
describe('privacy: what a member\'s export holds of other people', () => {
  let t: TestApp
  let school: TestSchool
  let alumnus: TestSchool['members'][string]
  const sharer = { id: '', externalId: 'export-sharer', marker: `zqe${randomBytes(6).toString('hex')}`, phone: '+1 555 0142 7781', token: '', contact: { id: '', createdAt: '' }, meetingId: '' }
  const hidden = { id: '', externalId: 'export-hidden', marker: `zqh${randomBytes(6).toString('hex')}`, phone: '+1 555 0199 3315', token: '', contact: { id: '', createdAt: '' }, meetingId: '' }
  let exported: { statusCode: number; body: string; data: Record<string, Array<Record<string, unknown>>> }
  let byAdmin: { data: unknown }

  interface Event { kind: string; actor: { kind: string; id: string }; action: string; subjectIds: string[]; target: Record<string, string> }
  const exportEvents = async (token: string, url = '/v1/audit-events?limit=100&action=GET%20%2Fv1%2Fmembers%2F%3AmemberId%2Fexport') => {
    const response = await t.request({ method: 'GET', url, token })
    expect(response.statusCode, response.body).toBe(200)
    return (response.json().items as Event[]).filter((event) => event.action === 'GET /v1/members/:memberId/export')
  }

  beforeAll(async () => {
    t = await build()
    school = await t.school('export-u')
    alumnus = school.members.alumni!
    const admin = school.members.school_admin!.token
    expect((await t.request({ method: 'PUT', url: `/v1/hosts/${alumnus.id}`, token: alumnus.token, payload: hostProfileBody('export-u', '+1 555 0100') })).statusCode).toBeLessThan(300)
    const start = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 9 * 86_400_000
    for (const [student, directoryOptOut] of [[sharer, false], [hidden, true]] as const) {
      const put = await t.request({
        method: 'PUT',
        url: `/v1/members/${student.externalId}`,
        token: admin,
        payload: { roles: ['student'], givenName: `${student.marker}-given`, familyName: `${student.marker}-family`, email: `${student.marker}@school.example`, directoryOptOut },
      })
      expect(put.statusCode, put.body).toBe(201)
      student.id = put.json().id
      student.token = await t.memberToken(school.id, student.externalId)
      // The student's own record of the alumnus: private notes, a personal email and phone, tags.
      const contact = await t.request({
        method: 'POST',
        url: '/v1/contacts',
        token: student.token,
        payload: { fullName: 'The alumnus', organization: 'Initech', email: `${student.marker}@personal.example`, phone: student.phone, notes: `${student.marker} private notes`, backgroundTags: [`${student.marker}-tag`], source: 'personal', alumniMemberId: alumnus.id },
      })
      expect(contact.statusCode, contact.body).toBe(201)
      student.contact = { id: contact.json().id, createdAt: contact.json().createdAt }
      // And a request to the alumnus as a host (it uses that contact).
      const asked = await t.request({
        method: 'POST',
        url: '/v1/host-requests',
        token: student.token,
        payload: { hostIds: [alumnus.id], kind: 'informational_interview', purpose: `${student.marker} purpose`, mode: 'video', proposedSlots: [{ startsAt: new Date(start).toISOString(), endsAt: new Date(start + 30 * 60_000).toISOString() }] },
      })
      expect(asked.statusCode, asked.body).toBe(201)
      student.meetingId = asked.json().items[0].meetingId
    }
    const response = await t.request({ method: 'GET', url: `/v1/members/${alumnus.id}/export`, token: alumnus.token })
    exported = { statusCode: response.statusCode, body: response.body, data: response.json().data }
    byAdmin = (await t.request({ method: 'GET', url: `/v1/members/${alumnus.id}/export`, token: school.members.school_admin!.token })).json()
  })
  afterAll(() => t.close())

  it('the host\'s export shows of a student\'s contact record of them only when it was made: no notes, email, phone or tags', async () => {
    expect(exported.statusCode).toBe(200)
    expect(exported.body).not.toContain(sharer.marker)
    expect(exported.body).not.toContain(sharer.phone)
    expect(exported.body).not.toContain(sharer.contact.id)
    expect(exported.data.contactsNamingMember).toEqual([{ created_at: expect.any(String) }])
    expect(new Date(exported.data.contactsNamingMember![0]!.created_at as string).toISOString()).toBe(sharer.contact.createdAt)
    // The request the student sent the host is the host's too: it names the student.
    expect(exported.data.hostRequestsReceived!.find((row) => row.meeting_id === sharer.meetingId)).toMatchObject({ student_id: sharer.id, host_id: alumnus.id, status: 'pending' })
    // A school admin exporting the alumnus gets the same document, no more.
    expect(byAdmin.data).toEqual(exported.data)
  })

  it('nothing in the host\'s export identifies a student who opted out of directory information', async () => {
    expect(exported.body).not.toContain(hidden.marker)
    expect(exported.body).not.toContain(hidden.phone)
    expect(exported.body).not.toContain(hidden.id)
    expect(exported.body).not.toContain(hidden.contact.id)
    // Their request stays in the host's export (the host's answer is the host's data), without them.
    expect(exported.data.hostRequestsReceived!.find((row) => row.meeting_id === hidden.meetingId)).toMatchObject({ student_id: null, host_id: alumnus.id, status: 'pending' })
    expect(exported.data.hostRequestsReceived).toHaveLength(2)
  })

  it('the export\'s audit events name the students it discloses, and no contact or request ids; each student\'s disclosure log shows them', async () => {
    const admin = school.members.school_admin!
    const events = await until('both exports\' audit events', async () => {
      const found = await exportEvents(admin.token)
      return found.length >= 2 && found
    }, 5000)
    // The sharing student: their contact record's existence and their request; the opted-out one:
    // their request (without their id). The alumnus exporting themselves is not a subject; the
    // admin's export of them is a read of the alumnus too.
    const expected = [
      { kind: 'read', actor: admin.id, target: { memberId: alumnus.id }, subjectIds: [alumnus.id, hidden.id, sharer.id].sort() },
      { kind: 'read', actor: alumnus.id, target: { memberId: alumnus.id }, subjectIds: [hidden.id, sharer.id].sort() },
    ]
    const shape = (list: Event[]) => list.map(({ kind, actor, target, subjectIds }) => ({ kind, actor: actor.id, target, subjectIds: [...subjectIds].sort() })).sort((a, b) => a.actor.localeCompare(b.actor))
    expected.sort((a, b) => a.actor.localeCompare(b.actor))
    expect(shape(events)).toEqual(expected)
    // Each student's log shows both reads, naming the student alone: the other students in them are
    // not theirs to know (the sharing student does not learn of the one who opted out).
    for (const student of [sharer, hidden]) {
      expect(shape(await exportEvents(student.token, '/v1/me/disclosures?limit=100'))).toEqual(expected.map((event) => ({ ...event, subjectIds: [student.id] })))
    }
  })

  it('a student reading their own contact record of the alumnus discloses nothing of the alumnus, nor does an advisor\'s read of it: the alumnus\'s log shows neither', async () => {
    const advisor = school.members.advisor!
    const admin = school.members.school_admin!.token
    for (const student of [sharer, hidden]) {
      expect((await t.request({ method: 'GET', url: '/v1/contacts', token: student.token })).statusCode).toBe(200)
      // The record names the alumnus by id only; its name, notes and details are the student's.
      const own = await t.request({ method: 'GET', url: `/v1/contacts/${student.contact.id}`, token: student.token })
      expect(own.json()).toMatchObject({ studentId: student.id, alumniMemberId: alumnus.id, fullName: 'The alumnus' })
      // An advisor's read of it discloses the student, and only the student.
      expect((await t.request({ method: 'GET', url: `/v1/contacts?studentId=${student.id}`, token: advisor.token })).statusCode).toBe(200)
      expect((await t.request({ method: 'GET', url: `/v1/contacts/${student.contact.id}`, token: advisor.token })).statusCode).toBe(200)
    }
    const logged = async (query: string) => {
      const response = await t.request({ method: 'GET', url: `/v1/audit-events?limit=100${query}`, token: admin })
      expect(response.statusCode, response.body).toBe(200)
      return (response.json().items as Event[]).filter((event) => event.action.startsWith('GET /v1/contacts') || event.action === 'POST /v1/contacts')
    }
    const reads = await until('the advisor\'s four reads', async () => {
      const found = await logged(`&actorId=${advisor.id}&kind=read`)
      return found.length >= 4 && found
    }, 5000)
    expect(reads.map((event) => event.subjectIds).sort()).toEqual([[hidden.id], [hidden.id], [sharer.id], [sharer.id]].sort())
    // The students' own reads carried no one else's data: not logged. Their writes of the records
    // changed the student's data, not the alumnus's.
    for (const student of [sharer, hidden]) {
      expect(await logged(`&actorId=${student.id}&kind=read`)).toEqual([])
      expect((await logged(`&actorId=${student.id}&kind=write`)).map((event) => event.subjectIds)).toEqual([[student.id]])
    }
    expect(await logged(`&subjectId=${alumnus.id}`)).toEqual([])
    const disclosures = await t.request({ method: 'GET', url: '/v1/me/disclosures?limit=100', token: alumnus.token })
    expect(disclosures.statusCode).toBe(200)
    expect((disclosures.json().items as Event[]).filter((event) => event.action.includes('/v1/contacts'))).toEqual([])
  })
})

// An assignment run lists every student of a programme. A student's export holds their own entries
// of it; erasing them removes those entries (their id with them) from the run, leaving the other
// students' as they were and the run's totals as computed and published.
describe('privacy: a student\'s entries in an assignment run', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  // A background only the leaving student shares with the host: the reasons name it.
  const background = `zqr${randomBytes(6).toString('hex')}`
  const leaver = { id: '', externalId: 'run-leaver' }
  const stayer = { id: '', externalId: 'run-stayer' }
  let host = ''
  let runUrl = ''
  interface RunPair { studentId: string; hostId: string; reasons: Array<{ code: string; text: string }> }
  let run: { id: string; pairs: RunPair[]; unmatched: Array<{ studentId: string }>; pins: unknown[]; stats: unknown; objective: number; publishedAt: string | null }

  beforeAll(async () => {
    t = await build()
    school = await t.school('runs-u')
    owner = await ownerConnection(t)
    const admin = school.members.school_admin!.token
    host = school.members.alumni!.id
    const profile = await t.request({ method: 'PUT', url: `/v1/hosts/${host}`, token: school.members.alumni!.token, payload: { ...hostProfileBody('runs-u', '+1 555 0100'), backgroundTags: ['first-gen', background] } })
    expect(profile.statusCode, profile.body).toBeLessThan(300)
    for (const [student, backgroundTags] of [[leaver, ['first-gen', background]], [stayer, ['first-gen']]] as const) {
      const put = await t.request({ method: 'PUT', url: `/v1/members/${student.externalId}`, token: admin, payload: { roles: ['student'], givenName: student.externalId, backgroundTags } })
      expect(put.statusCode, put.body).toBe(201)
      student.id = put.json().id
    }
    const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
    const program = await t.request({ method: 'POST', url: '/v1/programs', token: admin, payload: { name: 'Interview week', kind: 'informational_interview', modes: ['video'], startsOn: day(10), endsOn: day(14) } })
    expect(program.statusCode, program.body).toBe(201)
    const programUrl = `/v1/programs/${program.json().id}`
    expect((await t.request({ method: 'PUT', url: `${programUrl}/hosts`, token: admin, payload: { hosts: [{ hostId: host, capacity: 2 }] } })).statusCode).toBe(200)
    // The leaver wants two placements and gets one (there is one host): they are unmatched too.
    const students = { students: [{ studentId: leaver.id, placements: 2, preferences: [host] }, { studentId: stayer.id }] }
    expect((await t.request({ method: 'PUT', url: `${programUrl}/students`, token: admin, payload: students })).statusCode).toBe(200)
    const computed = await t.request({ method: 'POST', url: `${programUrl}/assignment-runs`, token: admin, payload: { pins: [{ studentId: leaver.id, hostId: host }] } })
    expect(computed.statusCode, computed.body).toBe(201)
    runUrl = `${programUrl}/assignment-runs/${computed.json().id}`
    run = computed.json()
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  const exportOf = async (id: string) => {
    const response = await t.request({ method: 'GET', url: `/v1/members/${id}/export`, token: school.members.school_admin!.token })
    expect(response.statusCode, response.body).toBe(200)
    return response.json().data.assignmentRuns as Array<Record<string, unknown>>
  }

  it('a student\'s export holds their own pair, unmatched entry and pins of the run, and nothing of the other student\'s', async () => {
    const mine = run.pairs.find((pair) => pair.studentId === leaver.id)!
    expect(mine.reasons).toContainEqual({ code: 'shared_background', text: `Shares your background: first-gen, ${background}` })
    expect(run.pairs.map((pair) => pair.studentId).sort()).toEqual([leaver.id, stayer.id].sort())
    expect(run.unmatched).toEqual([expect.objectContaining({ studentId: leaver.id, placementsWanted: 2, placementsMade: 1 })])
    const theirs = { id: run.id, program_id: expect.any(String), created_at: expect.any(String), published_at: null, forbidden: [] }
    // The export holds the run's entries as stored; the API adds the members' display names when it answers.
    const stored = <T extends object>(entry: T) => Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'studentName' && key !== 'hostName'))
    expect(await exportOf(leaver.id)).toEqual([{ ...theirs, pairs: [stored(mine)], unmatched: run.unmatched.map(stored), pins: [{ studentId: leaver.id, hostId: host }] }])
    const other = await exportOf(stayer.id)
    expect(other).toEqual([{ ...theirs, pairs: [stored(run.pairs.find((pair) => pair.studentId === stayer.id)!)], unmatched: [], pins: [] }])
    expect(JSON.stringify(other)).not.toContain(leaver.id)
    expect(JSON.stringify(other)).not.toContain(background)
  })

  it('erasing a student removes their entries from a published run: nothing of theirs remains, the other student\'s pair and the run\'s totals are as they were', async () => {
    const admin = school.members.school_admin!.token
    const published = await t.request({ method: 'POST', url: `${runUrl}/publish`, token: admin })
    expect(published.statusCode, published.body).toBe(200)
    expect(published.json().requestsCreated).toBe(2)
    const before = (await t.request({ method: 'GET', url: runUrl, token: admin })).json()
    expect(before.publishedAt).not.toBeNull()
    expect((await t.request({ method: 'POST', url: `/v1/members/${leaver.id}/erase`, token: admin })).statusCode).toBe(200)
    await owner.query(`SELECT set_config('app.school_id', $1, false)`, [school.id])
    const { rows: stored } = await owner.query(`SELECT to_jsonb(r)::text AS row FROM assignment_runs r WHERE school_id = $1`, [school.id])
    expect(stored).toHaveLength(1)
    expect(stored[0].row).not.toContain(leaver.id)
    expect(stored[0].row).not.toContain(background)
    // The run still reads, with the other student's pair unchanged and the totals as published.
    const after = await t.request({ method: 'GET', url: runUrl, token: admin })
    expect(after.statusCode, after.body).toBe(200)
    expect(after.json()).toEqual({ ...before, pairs: before.pairs.filter((pair: RunPair) => pair.studentId === stayer.id), unmatched: [], pins: [] })
    expect(after.json().pairs).toHaveLength(1)
    expect(after.json().stats).toEqual(before.stats)
    expect(await exportOf(leaver.id)).toEqual([])
    expect(await exportOf(stayer.id)).toHaveLength(1)
  })
})

// A student's places in programmes are theirs: the export lists them, and erasure takes the student
// out of every programme, draft or published, so that a rerun cannot place them again. A published
// programme's runs keep their totals (as above); a host leaves only the draft programmes.
describe('privacy: a member\'s places in programmes', () => {
  let t: TestApp
  let school: TestSchool
  let admin = ''
  const leaver = { id: '', externalId: 'programme-leaver' }
  const stayer = { id: '', externalId: 'programme-stayer' }
  const hosts = { kept: '', leaving: '' }
  let draftUrl = ''
  let publishedUrl = ''
  interface Detail { program: { status: string; studentCount: number; hostCount: number }; hosts: Array<{ hostId: string }>; students: Array<{ studentId: string; preferences: string[] }> }

  beforeAll(async () => {
    t = await build()
    school = await t.school('programmes-u')
    admin = school.members.school_admin!.token
    hosts.kept = school.members.alumni!.id
    expect((await t.request({ method: 'PUT', url: `/v1/hosts/${hosts.kept}`, token: school.members.alumni!.token, payload: hostProfileBody('programmes-u', '+1 555 0100') })).statusCode).toBeLessThan(300)
    const leavingHost = await t.request({ method: 'PUT', url: '/v1/members/programme-host', token: admin, payload: { roles: ['alumni'], givenName: 'Leaving host' } })
    hosts.leaving = leavingHost.json().id
    const hostToken = await t.memberToken(school.id, 'programme-host')
    expect((await t.request({ method: 'PUT', url: `/v1/hosts/${hosts.leaving}`, token: hostToken, payload: hostProfileBody('programmes-u', '+1 555 0101') })).statusCode).toBeLessThan(300)
    for (const student of [leaver, stayer]) {
      const put = await t.request({ method: 'PUT', url: `/v1/members/${student.externalId}`, token: admin, payload: { roles: ['student'], givenName: student.externalId } })
      expect(put.statusCode, put.body).toBe(201)
      student.id = put.json().id
    }
    const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
    const programme = async (name: string) => {
      const created = await t.request({ method: 'POST', url: '/v1/programs', token: admin, payload: { name, kind: 'informational_interview', modes: ['video'], startsOn: day(10), endsOn: day(14) } })
      expect(created.statusCode, created.body).toBe(201)
      const url = `/v1/programs/${created.json().id}`
      expect((await t.request({ method: 'PUT', url: `${url}/hosts`, token: admin, payload: { hosts: [{ hostId: hosts.kept, capacity: 2 }, { hostId: hosts.leaving, capacity: 2 }] } })).statusCode).toBe(200)
      const students = [{ studentId: leaver.id, preferences: [hosts.kept], location: 'Leaver\'s home town' }, { studentId: stayer.id, preferences: [hosts.leaving, hosts.kept] }]
      expect((await t.request({ method: 'PUT', url: `${url}/students`, token: admin, payload: { students } })).statusCode).toBe(200)
      return url
    }
    draftUrl = await programme('Interview week (draft)')
    publishedUrl = await programme('Interview week (published)')
    const run = await t.request({ method: 'POST', url: `${publishedUrl}/assignment-runs`, token: admin, payload: {} })
    expect(run.statusCode, run.body).toBe(201)
    expect((await t.request({ method: 'POST', url: `${publishedUrl}/assignment-runs/${run.json().id}/publish`, token: admin })).statusCode).toBe(200)
  })
  afterAll(() => t.close())

  const detail = async (url: string) => {
    const response = await t.request({ method: 'GET', url, token: admin })
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as Detail
  }
  const placesOf = async (id: string) => {
    const response = await t.request({ method: 'GET', url: `/v1/members/${id}/export`, token: admin })
    expect(response.statusCode, response.body).toBe(200)
    return response.json().data.programmesAsStudent as Array<Record<string, unknown>>
  }
  const idOf = (url: string) => url.split('/').pop()

  it('a student\'s export lists their place in each programme they are in, as stored', async () => {
    const places = await placesOf(leaver.id)
    expect(places.map((place) => place.program_id).sort()).toEqual([idOf(draftUrl), idOf(publishedUrl)].sort())
    for (const place of places) {
      expect(place).toMatchObject({ student_id: leaver.id, placements: 1, preferences: [hosts.kept], modes: [], location: 'Leaver\'s home town' })
    }
  })

  it('erasing a student takes them out of every programme: a new run of the draft does not place them, and the published programme\'s run keeps its totals', async () => {
    const publishedRuns = await t.request({ method: 'GET', url: `${publishedUrl}/assignment-runs`, token: admin })
    const [published] = publishedRuns.json().items as Array<{ id: string }>
    const publishedBefore = (await t.request({ method: 'GET', url: `${publishedUrl}/assignment-runs/${published!.id}`, token: admin })).json()
    expect(publishedBefore.pairs.map((pair: { studentId: string }) => pair.studentId)).toContain(leaver.id)
    expect((await t.request({ method: 'POST', url: `/v1/members/${leaver.id}/erase`, token: admin })).statusCode).toBe(200)
    for (const url of [draftUrl, publishedUrl]) {
      const after = await detail(url)
      expect(after.students.map((student) => student.studentId), url).toEqual([stayer.id])
      expect(after.program.studentCount).toBe(1)
    }
    expect((await detail(publishedUrl)).program.status).toBe('published')
    const run = await t.request({ method: 'POST', url: `${draftUrl}/assignment-runs`, token: admin, payload: {} })
    expect(run.statusCode, run.body).toBe(201)
    expect(run.body).not.toContain(leaver.id)
    expect(run.json().pairs.map((pair: { studentId: string }) => pair.studentId)).toEqual([stayer.id])
    expect(run.json().stats).toMatchObject({ students: 1, placementsWanted: 1 })
    // Pinning them is refused: they are in the programme no more.
    const pinned = await t.request({ method: 'POST', url: `${draftUrl}/assignment-runs`, token: admin, payload: { pins: [{ studentId: leaver.id, hostId: hosts.kept }] } })
    expect(pinned.statusCode).toBe(400)
    // The published run lost the student's entries and kept its totals (as the run's erasure test shows).
    const publishedAfter = (await t.request({ method: 'GET', url: `${publishedUrl}/assignment-runs/${published!.id}`, token: admin })).json()
    expect(JSON.stringify(publishedAfter)).not.toContain(leaver.id)
    expect(publishedAfter.stats).toEqual(publishedBefore.stats)
    expect(await placesOf(leaver.id)).toEqual([])
    expect(await placesOf(stayer.id)).toHaveLength(2)
  })

  it('erasing a host takes them out of the draft programmes and their students\' preferences; a published programme keeps its hosts', async () => {
    expect((await t.request({ method: 'POST', url: `/v1/members/${hosts.leaving}/erase`, token: admin })).statusCode).toBe(200)
    const draft = await detail(draftUrl)
    expect(draft.hosts.map((host) => host.hostId)).toEqual([hosts.kept])
    expect(draft.students).toEqual([expect.objectContaining({ studentId: stayer.id, preferences: [hosts.kept] })])
    const run = await t.request({ method: 'POST', url: `${draftUrl}/assignment-runs`, token: admin, payload: {} })
    expect(run.statusCode, run.body).toBe(201)
    expect(run.body).not.toContain(hosts.leaving)
    const published = await detail(publishedUrl)
    expect(published.hosts.map((host) => host.hostId).sort()).toEqual([hosts.kept, hosts.leaving].sort())
    expect(published.students).toEqual([expect.objectContaining({ studentId: stayer.id, preferences: [hosts.leaving, hosts.kept] })])
  })
})
