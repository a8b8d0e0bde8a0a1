// The student's journey (helpers/journey.ts), its requests injected into the app.
import pg from 'pg'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { JOURNEY_T0, studentJourney } from './helpers/journey.js'

describe('a student\'s journey', () => {
  let t: TestApp
  let now = new Date(JOURNEY_T0)
  let school: TestSchool
  let elsewhere: TestSchool
  let owner: pg.Client

  beforeAll(async () => {
    t = await build({}, { clock: () => now })
    school = await t.school('journey-u', ['student', 'advisor', 'school_admin'])
    elsewhere = await t.school('elsewhere-u', ['student', 'advisor'])
    owner = await ownerConnection(t)
  })
  afterAll(async () => {
    await owner.end()
    await t.close()
  })

  it('goes from a first contact to a second-degree connection met in person', async () => {
    await studentJourney({ request: t.request, setNow: (next) => (now = next), school, elsewhere, owner })
  })
})
