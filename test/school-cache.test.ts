// Schools are kept in memory for SCHOOL_CACHE_TTL_MS: a change through this instance applies at once;
// a change made elsewhere applies once the entry expires.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

describe('school cache', () => {
  let t: TestApp
  let school: TestSchool
  beforeAll(async () => {
    t = await build({ SCHOOL_CACHE_TTL_MS: '400' })
    school = await t.school('cached', ['student'])
  })
  afterAll(() => t.close())

  const me = () => t.request({ method: 'GET', url: '/v1/me', token: school.members.student!.token })

  it('applies a change made through the API at once', async () => {
    expect((await me()).statusCode).toBe(200)
    const disabled = await t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: await t.platformToken(), payload: { status: 'disabled' } })
    expect(disabled.statusCode).toBe(200)
    expect((await me()).json().type).toBe('urn:vantage:problem:school-disabled')
    await t.request({ method: 'PATCH', url: `/v1/schools/${school.id}`, token: await t.platformToken(), payload: { status: 'active' } })
    expect((await me()).statusCode).toBe(200)
  })

  it('applies a change made elsewhere within the time to live', async () => {
    expect((await me()).statusCode).toBe(200)
    await t.database.platform.school.update({ where: { id: school.id }, data: { status: 'disabled' } })
    expect((await me()).statusCode).toBe(200) // still the kept row
    await sleep(450)
    expect((await me()).json().type).toBe('urn:vantage:problem:school-disabled')
    await t.database.platform.school.update({ where: { id: school.id }, data: { status: 'active' } })
  })
})
