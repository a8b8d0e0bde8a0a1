// The candidate hosts behind suggestions are kept per instance for SUGGESTION_CACHE_TTL_MS: a change
// made behind the service's back shows within that time, a change through the service at once.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'

const T0 = Date.parse('2030-03-04T09:00:00.000Z')

const profile = (accepting: boolean) => ({
  organization: 'Mercy Hospital',
  industries: ['Healthcare'],
  occupations: ['Nursing'],
  offers: ['informational_interview'],
  modes: ['video'],
  accepting,
  timeZone: 'America/New_York',
  capacity: { maxMeetingsPerMonth: 4, maxShadowDaysPerTerm: 0, maxOpenRequests: 5 },
  availability: { weeklyWindows: [{ weekday: 2, start: '09:00', end: '12:00' }], blackouts: [] },
})

describe('suggestion candidates cache', () => {
  let t: TestApp
  let school: TestSchool
  let owner: pg.Client
  const now = new Date(T0)

  beforeAll(async () => {
    t = await build({ SUGGESTION_CACHE_TTL_MS: '300000' }, { clock: () => now })
    school = await t.school('cache-u')
    owner = await ownerConnection(t)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  const suggested = async () => {
    const student = school.members.student!
    const response = await t.request({ method: 'GET', url: `/v1/members/${student.id}/host-suggestions?kind=informational_interview`, token: student.token })
    expect(response.statusCode, response.body).toBe(200)
    return response.json().items.map((item: { host: { memberId: string } }) => item.host.memberId)
  }

  it('serves a change made behind its back only after the entry expires, and a change made through it at once', async () => {
    const alumni = school.members.alumni!
    const put = (accepting: boolean) => t.request({ method: 'PUT', url: `/v1/hosts/${alumni.id}`, token: alumni.token, payload: profile(accepting) })
    expect((await put(true)).statusCode).toBe(201)
    expect(await suggested()).toEqual([alumni.id])

    // Behind the service's back: the cached candidates still hold the host.
    await owner.query('UPDATE host_profiles SET accepting = false WHERE member_id = $1', [alumni.id])
    expect(await suggested()).toEqual([alumni.id])

    // Through the service: the write drops the school's entries.
    await owner.query('UPDATE host_profiles SET accepting = true WHERE member_id = $1', [alumni.id])
    expect((await put(false)).statusCode).toBe(200)
    expect(await suggested()).toEqual([])
    expect((await put(true)).statusCode).toBe(200)
    expect(await suggested()).toEqual([alumni.id])
  })
})
