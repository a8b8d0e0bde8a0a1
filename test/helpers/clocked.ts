// A test app on a clock of the test's own, with one school and an owner connection: the setup that
// the domain tests (hosts, meetings, programmes, host requests) share. The hooks are registered where
// it is called, inside the test's describe block, before the test's own.
import type pg from 'pg'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { SchoolRole } from '../../src/infra/auth/principal.js'
import { build, type TestApp, type TestSchool } from './app.js'
import { ownerConnection } from './owner.js'

export interface Clocked {
  /** The app's "now": set it in a test; it returns to the start after every test. */
  now: Date
  readonly app: TestApp
  readonly school: TestSchool
  /** The database's owner, past row-level security. */
  readonly owner: pg.Client
}

export function clockedSchool(slug: string, start: number, options: { roles?: SchoolRole[]; env?: Record<string, string> } = {}): Clocked {
  const state: { now: Date; app?: TestApp; school?: TestSchool; owner?: pg.Client } = { now: new Date(start) }
  beforeAll(async () => {
    state.app = await build(options.env, { clock: () => state.now })
    state.school = await state.app.school(slug, options.roles)
    state.owner = await ownerConnection(state.app)
  })
  afterEach(() => {
    state.now = new Date(start)
  })
  afterAll(async () => {
    await state.owner?.end()
    await state.app?.close()
  })
  return {
    get now() {
      return state.now
    },
    set now(value: Date) {
      state.now = value
    },
    get app() {
      return state.app!
    },
    get school() {
      return state.school!
    },
    get owner() {
      return state.owner!
    },
  }
}
