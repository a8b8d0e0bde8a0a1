import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { build, type TestApp, type TestSchool } from './helpers/app.js'

describe('probe', () => {
  let t: TestApp
  let s: TestSchool
  beforeAll(async () => { t = await build({ RATE_LIMIT_PER_MINUTE: '100000' }); s = await t.school('rg') })
  afterAll(() => t.close())
  const q = (query: string, token: string, variables?: object) => t.request({ method: 'POST', url: '/graphql', token, payload: { query, variables } })
  it('probe', async () => {
    const adv = s.members.advisor!.token
    const show = (label: string, r: { statusCode: number; body: string }) => console.log(label, r.statusCode, r.body.slice(0, 600))
    show('student', await q('{ report(from: "2026-01-01", to: "2026-01-31") { studentCount } }', s.members.student!.token))
    show('advisor', await q('{ report(from: "2026-01-01", to: "2026-01-31") { studentCount } }', adv))
    show('noscope', await q('{ report(from: "2026-01-01", to: "2026-01-31") { studentCount } }', await t.clientToken(s.id, 'rg.x', ['members:read'])))
    show('from>to', await q('{ report(from: "2026-02-01", to: "2026-01-31") { studentCount } }', adv))
    show('baddate', await q('{ report(from: "2026-02-30", to: "2026-03-31") { studentCount } }', adv))
    show('baddate2', await q('{ report(from: "2026-2-3", to: "2026-03-31") { studentCount } }', adv))
    show('baddateVar', await q('query($f: Date!) { report(from: $f, to: "2026-03-31") { studentCount } }', adv, { f: '2026-02-30' }))
    show('baddateVar2', await q('query($f: Date!) { report(from: $f, to: "2026-03-31") { studentCount } }', adv, { f: 'x' }))
    show('long', await q('{ report(from: "2020-01-01", to: "2026-03-31") { studentCount } }', adv))
    show('first0', await q('{ report(from: "2026-01-01", to: "2026-03-31") { students(first: 0) { totalCount } } }', adv))
    show('first101', await q('{ report(from: "2026-01-01", to: "2026-03-31") { students(first: 101) { totalCount } } }', adv))
    show('after', await q('{ report(from: "2026-01-01", to: "2026-03-31") { students(after: "garbage") { totalCount } } }', adv))
    show('after2', await q('{ report(from: "2026-01-01", to: "2026-03-31") { students(after: "eyJpZCI6Im5vdCJ9") { totalCount } } }', adv))
    show('afterDue', await q(`{ report(from: "2026-01-01", to: "2026-03-31") { overdueThankYous(after: "${Buffer.from(JSON.stringify({ due: 'nope', id: '00000000-0000-0000-0000-000000000000' })).toString('base64url')}") { totalCount } } }`, adv))
    show('batch', await t.request({ method: 'POST', url: '/graphql', token: adv, payload: [{ query: '{ me { kind } }' }, { query: '{ me { kind } }' }] as never }))
    show('introspection', await q('{ __schema { queryType { name } } }', adv))
    show('depth', await q('{ report(from: "2026-01-01", to: "2026-03-31") { meetings { nodes { student { activity { meetingsRequested } } } } } }', adv))
    const flood = Array.from({ length: 60 }, (_, i) => `r${i}: report(from: "2026-01-01", to: "2026-03-31") { funnel { steps { count } } }`).join('\n')
    show('aliasflood', await q(`{ ${flood} }`, adv))
    const dash = readFileSync('docs/dashboard.graphql', 'utf8')
    show('dash', await t.request({ method: 'POST', url: '/graphql', token: adv, payload: { query: dash, variables: { from: '2026-01-01', to: '2026-03-31' } } }))
    show('prog', await t.request({ method: 'POST', url: '/graphql', token: adv, payload: { query: 'query($p: ID) { report(from: "2026-01-01", to: "2026-03-31", filter: { programId: $p }) { studentCount } }', variables: { p: '00000000-0000-0000-0000-000000000000' } } }))
    show('progbad', await t.request({ method: 'POST', url: '/graphql', token: adv, payload: { query: 'query($p: ID) { report(from: "2026-01-01", to: "2026-03-31", filter: { programId: $p }) { studentCount } }', variables: { p: 'zz' } } }))
    show('get', await t.request({ method: 'GET', url: `/graphql?query=${encodeURIComponent('{ report(from: "2026-01-01", to: "2026-03-31") { studentCount } }')}`, token: adv }))
  })
})
