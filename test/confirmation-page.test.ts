// A confirmation link opened by a person: a small accessible HTML page in a real browser (headless
// Chromium over real HTTP), its buttons posting the answer back; the same URLs answer an API client
// with JSON. Errors are pages for the browser and problem+json for the client.
import pg from 'pg'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { HOUR } from './helpers/time.js'
import { browserTestsRun, launchBrowser } from './helpers/browser.js'

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'

describe.skipIf(!browserTestsRun)('a confirmation link in a browser', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  let browser: Browser
  let base = ''
  let contactId = ''
  let made = 0

  beforeAll(async () => {
    t = await build()
    school = await t.school('page-u')
    await t.database.platform.school.update({ where: { id: school.id }, data: { name: 'North <State> University', timeZone: 'America/Chicago' } })
    owner = await ownerConnection(t)
    const { rows: [contact] } = await owner.query(
      `INSERT INTO contacts (school_id, id, student_id, full_name, organization, source, alumni_member_id, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, 'Alum Host', 'Initech', 'alumni_network', $3, now()) RETURNING id::text`,
      [school.id, school.members.student!.id, school.members.alumni!.id])
    contactId = contact.id
    base = await t.listen()
    browser = await launchBrowser()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await owner?.end()
    await t?.close()
  })

  /** A scheduled interview of the student that ended `hoursAgo` hours ago (each one an hour earlier than the last). */
  async function endedMeeting(hoursAgo = 1): Promise<{ id: string; startsAt: Date; endsAt: Date }> {
    const endsAt = new Date(Date.now() - (hoursAgo + ++made) * HOUR)
    const startsAt = new Date(endsAt.getTime() - 30 * 60_000)
    const { rows: [row] } = await owner.query(
      `INSERT INTO meetings (school_id, id, student_id, contact_id, kind, status, purpose, mode, proposed_slots, starts_at, ends_at, thank_you_due_at, updated_at)
       VALUES ($1, uuid_generate_v7(), $2, $3, 'informational_interview', 'scheduled', 'Learn', 'phone', '[]', $4, $5, $6, now()) RETURNING id::text`,
      [school.id, school.members.student!.id, contactId, startsAt, endsAt, new Date(endsAt.getTime() + 24 * HOUR)])
    // The alumnus accepted the student's request: they are the meeting's host.
    await owner.query(
      `INSERT INTO host_requests (school_id, id, group_id, student_id, host_id, meeting_id, status, expires_at, responded_at, updated_at)
       VALUES ($1, uuid_generate_v7(), uuid_generate_v7(), $2, $3, $4, 'accepted', $5, $5, now())`,
      [school.id, school.members.student!.id, school.members.alumni!.id, row.id, new Date(startsAt.getTime() - 48 * HOUR)])
    return { id: row.id, startsAt, endsAt }
  }

  async function linkOf(meetingId: string, party: 'student' | 'host' = 'student'): Promise<string> {
    const token = party === 'student' ? school.members.student!.token : school.members.alumni!.token
    const response = await t.request({ method: 'GET', url: `/v1/meetings/${meetingId}/confirmation-links`, token })
    expect(response.statusCode, response.body).toBe(200)
    return new URL(response.json()[party]).searchParams.get('link')!
  }

  const chicago = (date: Date, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Chicago', ...options }).format(date)

  it('shows the meeting in the school\'s time zone with two labelled buttons; a click records the answer and the page says so', async () => {
    const meeting = await endedMeeting()
    const link = await linkOf(meeting.id)
    const page = await browser.newPage()
    try {
      const opened = await page.goto(`${base}/v1/confirmations?link=${link}`)
      expect(opened!.status()).toBe(200)
      expect(opened!.headers()['content-type']).toBe('text/html; charset=utf-8')
      expect(opened!.headers()['content-security-policy']).toContain("default-src 'none'")
      expect(opened!.headers()['referrer-policy']).toBe('no-referrer')
      expect(await page.title()).toBe('Did your meeting take place? · Vantage')
      expect(await page.getAttribute('html', 'lang')).toBe('en')
      expect(await page.getByRole('main').getByRole('heading', { level: 1 }).textContent()).toBe('Did your meeting take place?')
      // The school's name is text, not markup; the time is the school's local time.
      const day = chicago(meeting.startsAt, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
      const times = `${chicago(meeting.startsAt, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })} – ${chicago(meeting.endsAt, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })}`
      expect(await page.getByRole('main').locator('p').first().textContent()).toBe(
        `Your informational interview through North <State> University on ${day}, ${times} (America/Chicago time).`,
      )
      const group = page.getByRole('group', { name: 'Your answer' })
      expect(await group.getByRole('button').allTextContents()).toEqual(['Yes, it took place', 'No, the host did not come'])
      // Reachable by keyboard: the first button takes focus from the page's start.
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).toBe('Yes, it took place')

      const [answered] = await Promise.all([page.waitForNavigation(), group.getByRole('button', { name: 'No, the host did not come' }).click()])
      expect(answered!.status()).toBe(200)
      expect(await page.getByRole('status').textContent()).toBe('Thank you. Your answer is recorded: the host did not come.')
      const { rows: [row] } = await owner.query(`SELECT status::text AS status, closed_reason AS reason FROM meetings WHERE id = $1`, [meeting.id])
      expect(row).toEqual({ status: 'no_show', reason: "Reported through the student's confirmation link: the host did not come" })
      const { rows: confirmations } = await owner.query(`SELECT party, outcome FROM meeting_confirmations WHERE meeting_id = $1`, [meeting.id])
      expect(confirmations).toEqual([{ party: 'student', outcome: 'no_show' }])

      // Opened again: the answer, and no form to answer twice.
      await page.goto(`${base}/v1/confirmations?link=${link}`)
      expect(await page.getByRole('status').textContent()).toBe('You have answered: the host did not come.')
      expect(await page.getByRole('button').count()).toBe(0)
    } finally {
      await page.close()
    }
  })

  it('the host\'s link asks about the student, and "Yes" completes the meeting', async () => {
    const meeting = await endedMeeting()
    const page = await browser.newPage()
    try {
      await page.goto(`${base}/v1/confirmations?link=${await linkOf(meeting.id, 'host')}`)
      const buttons = page.getByRole('group', { name: 'Your answer' }).getByRole('button')
      expect(await buttons.allTextContents()).toEqual(['Yes, it took place', 'No, the student did not come'])
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Yes, it took place' }).click()])
      expect(await page.getByRole('status').textContent()).toBe('Thank you. Your answer is recorded: the meeting took place.')
      const { rows: [row] } = await owner.query(`SELECT status::text AS status, ended_at = ends_at AS "endedAsAgreed" FROM meetings WHERE id = $1`, [meeting.id])
      expect(row).toEqual({ status: 'completed', endedAsAgreed: true })
    } finally {
      await page.close()
    }
  })

  it('a tampered or unknown link is a page that says so, with the problem\'s status', async () => {
    const link = await linkOf((await endedMeeting()).id)
    const page = await browser.newPage()
    try {
      const tampered = await page.goto(`${base}/v1/confirmations?link=${link.slice(0, -4)}AAAA`)
      expect(tampered!.status()).toBe(404)
      expect(tampered!.headers()['content-type']).toBe('text/html; charset=utf-8')
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link does not work')
      expect(await page.getByRole('alert').textContent()).toBe('No such confirmation link')
      const malformed = await page.goto(`${base}/v1/confirmations?link=not-a-link`)
      expect(malformed!.status()).toBe(400)
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This request is not valid')
    } finally {
      await page.close()
    }
  })

  it('answers an API client with JSON and problem+json at the same URLs, and a browser\'s second, different answer with a 409 page', async () => {
    const meeting = await endedMeeting()
    const link = await linkOf(meeting.id)
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, text/html;q=0.5']) {
      const read = await t.app.inject({ method: 'GET', url: `/v1/confirmations?link=${link}`, headers: accept ? { accept } : {} })
      expect(read.statusCode, String(accept)).toBe(200)
      expect(read.headers['content-type'], String(accept)).toBe('application/json; charset=utf-8')
      expect(read.json()).toMatchObject({ party: 'student', outcome: null, choices: ['happened', 'no_show'] })
    }
    const missing = await t.app.inject({ method: 'GET', url: '/v1/confirmations?link=a.b.cccccccccccccccccccccc', headers: { accept: 'application/json' } })
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-type']).toBe('application/problem+json; charset=utf-8')

    // The page's form post (form-urlencoded, a browser's Accept), then a different answer.
    const form = { 'content-type': 'application/x-www-form-urlencoded', accept: BROWSER_ACCEPT }
    const first = await t.app.inject({ method: 'POST', url: `/v1/confirmations?link=${link}`, headers: form, payload: 'outcome=happened' })
    expect(first.statusCode).toBe(200)
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(first.headers['cache-control']).toBe('no-store')
    expect(first.body).toContain('Thank you. Your answer is recorded: the meeting took place.')
    const second = await t.app.inject({ method: 'POST', url: `/v1/confirmations?link=${link}`, headers: form, payload: 'outcome=no_show' })
    expect(second.statusCode).toBe(409)
    expect(second.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(second.body).toContain('<h1>Already answered</h1>')
    expect(second.body).toContain('This link was already answered: happened')
    const json = await t.app.inject({ method: 'POST', url: `/v1/confirmations?link=${link}`, payload: { outcome: 'no_show' } })
    expect(json.statusCode).toBe(409)
    expect(json.headers['content-type']).toBe('application/problem+json; charset=utf-8')
  })
})
