// Meetings as iCalendar, checked with an independent parser (ical.js): the instants survive time
// zones and daylight-saving changes, and a feed's secret URL works until it is revoked.
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

function events(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text))
  return calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component)
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      location: event.location,
      status: component.getFirstPropertyValue('status'),
      description: event.description,
    }
  })
}

describe('calendar', () => {
  let now = new Date('2027-03-10T12:00:00Z') // days before the US moves its clocks (2027-03-14)
  let t: TestApp
  let school: TestSchool
  let other: TestSchool
  let student: string
  const json = (response: { json(): unknown }) => response.json() as Record<string, any>

  beforeAll(async () => {
    t = await build({}, { clock: () => now })
    school = await t.school('cal', ['student', 'advisor'])
    other = await t.school('cal-other', ['student'])
    student = school.members.student!.token
  })
  afterAll(() => t.close())

  async function scheduledMeeting(startsAt: string, endsAt: string, contactName = 'Grace Park') {
    const contact = json(await t.request({ method: 'POST', url: '/v1/contacts', token: student, payload: { fullName: contactName, organization: 'Mercy Hospital', source: 'personal' } }))
    const meeting = json(
      await t.request({
        method: 'POST',
        url: '/v1/meetings',
        token: student,
        payload: { contactId: contact.id, kind: 'informational_interview', purpose: 'Learning about nursing, not seeking a job', mode: 'in_person', location: 'Mercy Hospital, 3rd floor', proposedSlots: [{ startsAt, endsAt }] },
      }),
    )
    const scheduled = await t.request({ method: 'POST', url: `/v1/meetings/${meeting.id}/schedule`, token: student, payload: { startsAt, endsAt } })
    expect(scheduled.statusCode, scheduled.body).toBe(200)
    return meeting.id as string
  }

  it('serves a scheduled meeting as valid iCalendar with the exact instants, across a DST change', async () => {
    // 9:30 in New York after the change (EDT, UTC-4) is 13:30Z; the UTC instants must come back unchanged.
    const id = await scheduledMeeting('2027-03-15T13:30:00.000Z', '2027-03-15T14:15:00.000Z')
    const response = await t.request({ method: 'GET', url: `/v1/meetings/${id}/calendar.ics`, token: student })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8')
    expect(events(response.body)).toEqual([
      {
        uid: `${id}@vantage`,
        summary: 'Informational interview with Grace Park (Mercy Hospital)',
        start: '2027-03-15T13:30:00.000Z',
        end: '2027-03-15T14:15:00.000Z',
        location: 'Mercy Hospital, 3rd floor',
        status: 'CONFIRMED',
        description: 'Learning about nursing, not seeking a job',
      },
    ])
    const advisor = await t.request({ method: 'GET', url: `/v1/meetings/${id}/calendar.ics`, token: school.members.advisor!.token })
    expect(advisor.statusCode).toBe(200)
    const stranger = await t.request({ method: 'GET', url: `/v1/meetings/${id}/calendar.ics`, token: other.members.student!.token })
    expect(stranger.statusCode).toBe(404)
  })

  it('shows a shadow over several days as one event per day of the school, its segments as each day\'s description', async () => {
    const contact = json(await t.request({ method: 'POST', url: '/v1/contacts', token: student, payload: { fullName: 'Omar Haddad', organization: 'Initech', source: 'personal' } }))
    // 09:00 on Tuesday to 17:00 on Thursday in New York (EDT, UTC-4): 56 hours.
    const window = { startsAt: '2027-03-16T13:00:00.000Z', endsAt: '2027-03-18T21:00:00.000Z' }
    const meeting = json(await t.request({
      method: 'POST', url: '/v1/meetings', token: student,
      payload: { contactId: contact.id, kind: 'job_shadow', purpose: 'See a design team at work', mode: 'in_person', location: 'Initech, 5th floor', proposedSlots: [window] },
    }))
    const itinerary = [
      { kind: 'observe', title: 'Design critique', startsAt: '2027-03-16T13:00:00.000Z', endsAt: '2027-03-16T15:00:00.000Z' },
      { kind: 'conversation', title: 'Coffee with a researcher', startsAt: '2027-03-16T18:00:00.000Z', endsAt: '2027-03-16T19:00:00.000Z' },
      { kind: 'observe', title: 'User interviews', startsAt: '2027-03-18T14:00:00.000Z', endsAt: '2027-03-18T16:00:00.000Z' },
    ]
    const scheduled = await t.request({ method: 'POST', url: `/v1/meetings/${meeting.id}/schedule`, token: student, payload: { ...window, itinerary } })
    expect(scheduled.statusCode, scheduled.body).toBe(200)
    const response = await t.request({ method: 'GET', url: `/v1/meetings/${meeting.id}/calendar.ics`, token: student })
    const day = (n: number, date: string, start: string, end: string, lines: string[]) => ({
      uid: `${meeting.id}-${date}@vantage`,
      summary: `Job shadow with Omar Haddad (Initech) (day ${n} of 3)`,
      start,
      end,
      location: 'Initech, 5th floor',
      status: 'CONFIRMED',
      description: ['See a design team at work', ...lines].join('\n'),
    })
    expect(events(response.body)).toEqual([
      day(1, '2027-03-16', '2027-03-16T13:00:00.000Z', '2027-03-16T19:00:00.000Z', ['09:00-11:00 Design critique (observe)', '14:00-15:00 Coffee with a researcher (conversation)']),
      // No segment on Wednesday: the window's daily hours.
      day(2, '2027-03-17', '2027-03-17T13:00:00.000Z', '2027-03-17T21:00:00.000Z', []),
      day(3, '2027-03-18', '2027-03-18T14:00:00.000Z', '2027-03-18T16:00:00.000Z', ['10:00-12:00 User interviews (observe)']),
    ])
  })

  it('answers 404 for a meeting that has no window yet', async () => {
    const contact = json(await t.request({ method: 'POST', url: '/v1/contacts', token: student, payload: { fullName: 'No Window', source: 'cold' } }))
    const meeting = json(
      await t.request({
        method: 'POST',
        url: '/v1/meetings',
        token: student,
        payload: { contactId: contact.id, kind: 'informational_interview', purpose: 'Information only', mode: 'phone', proposedSlots: [{ startsAt: '2027-04-01T15:00:00Z', endsAt: '2027-04-01T15:30:00Z' }] },
      }),
    )
    expect((await t.request({ method: 'GET', url: `/v1/meetings/${meeting.id}/calendar.ics`, token: student })).statusCode).toBe(404)
  })

  it('publishes a feed at a secret URL without a token, until it is revoked', async () => {
    const id = await scheduledMeeting('2027-11-08T15:00:00.000Z', '2027-11-08T15:30:00.000Z', 'Omar Haddad') // after the November change
    const created = await t.request({ method: 'POST', url: '/v1/calendar-feeds', token: student })
    expect(created.statusCode).toBe(201)
    const { url, id: feedId } = json(created)
    const path = new URL(url).pathname
    const feed = await t.request({ method: 'GET', url: path })
    expect(feed.statusCode).toBe(200)
    const listed = events(feed.body)
    expect(listed.map((event) => event.uid)).toContain(`${id}@vantage`)
    expect(listed.find((event) => event.uid === `${id}@vantage`)).toMatchObject({ start: '2027-11-08T15:00:00.000Z', end: '2027-11-08T15:30:00.000Z' })

    // The secret is the credential: a changed secret, another school in the path, or a revoked feed answer 404.
    const wrongSecret = path.replace(/\/[^/]+\.ics$/, `/${'x'.repeat(32)}.ics`)
    expect((await t.request({ method: 'GET', url: wrongSecret })).statusCode).toBe(404)
    expect((await t.request({ method: 'GET', url: path.replace(school.id, other.id) })).statusCode).toBe(404)
    const list = json(await t.request({ method: 'GET', url: '/v1/calendar-feeds', token: student }))
    expect(list.items).toEqual([{ id: feedId, createdAt: expect.any(String), revokedAt: null }])
    expect(JSON.stringify(list)).not.toContain(path.split('/').at(-1)!.replace('.ics', ''))
    expect((await t.request({ method: 'DELETE', url: `/v1/calendar-feeds/${feedId}`, token: other.members.student!.token })).statusCode).toBe(404)
    expect((await t.request({ method: 'DELETE', url: `/v1/calendar-feeds/${feedId}`, token: student })).statusCode).toBe(204)
    expect((await t.request({ method: 'GET', url: path })).statusCode).toBe(404)
  })

  it('marks a cancelled meeting as cancelled in its calendar entry', async () => {
    now = new Date('2027-03-10T12:00:00Z')
    const id = await scheduledMeeting('2027-05-03T14:00:00.000Z', '2027-05-03T14:30:00.000Z', 'Rachel Cohen')
    expect((await t.request({ method: 'POST', url: `/v1/meetings/${id}/cancel`, token: student, payload: { reason: 'Conflict' } })).statusCode).toBe(200)
    const response = await t.request({ method: 'GET', url: `/v1/meetings/${id}/calendar.ics`, token: student })
    expect(events(response.body)[0]!.status).toBe('CANCELLED')
  })
})

describe('calendar feed secrets', () => {
  it('never reach the logs, and a disabled member\'s feed stops', async () => {
    const { Writable } = await import('node:stream')
    const { loggerOptions } = await import('../src/app.js')
    const { loadConfig } = await import('../src/config.js')
    const lines: string[] = []
    const stream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done() } })
    const t = await build({}, { logger: { ...(loggerOptions(loadConfig({ LOG_LEVEL: 'info' })) as object), stream } })
    try {
      const school = await t.school('cal-logs', ['student', 'school_admin'])
      const { url } = (await t.request({ method: 'POST', url: '/v1/calendar-feeds', token: school.members.student!.token })).json()
      const path = new URL(url).pathname
      const secret = path.split('/').at(-1)!.replace('.ics', '')
      expect((await t.request({ method: 'GET', url: path })).statusCode).toBe(200)
      expect(lines.join('')).not.toContain(secret)
      expect(lines.join('')).toContain('/[redacted].ics')

      await t.database.forSchool(school.id).db.member.update({ where: { schoolId_id: { schoolId: school.id, id: school.members.student!.id } }, data: { status: 'disabled' } })
      expect((await t.request({ method: 'GET', url: path })).statusCode).toBe(404)
    } finally {
      await t.close()
    }
  })
})
