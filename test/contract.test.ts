// The published contract against real traffic: the student's journey (helpers/journey.ts) and the
// README's first requests, over HTTP through Prism's validating proxy (@stoplight/prism-cli) built
// from the committed openapi.yaml. Prism forwards every request and reports, in the `sl-violations`
// header of the answer, each way the request or the response departs from the document: a
// parameter declared required that clients may leave out, a body the document does not declare, a
// status or a field it does not describe. Any violation fails the test.
import { type ChildProcess, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp, type TestSchool } from './helpers/app.js'
import { ownerConnection } from './helpers/owner.js'
import { JOURNEY_T0, studentJourney } from './helpers/journey.js'
import { until } from './helpers/until.js'

interface Violation {
  location: string[]
  severity: string
  code: string | number
  message: string
}

const prismCli = path.join(path.dirname(createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json')), 'dist', 'index.js')

/** Prism's proxy in front of `target`, on a port it picks; resolved once it listens. */
async function startPrism(target: string): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
  const child = spawn(process.execPath, [prismCli, 'proxy', 'openapi.yaml', target, '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const base = await until('Prism listening', () => /listening on (http:\/\/\S+?)\/?\s/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''))?.[1] ?? (child.exitCode !== null ? Promise.reject(new Error(output)) : undefined), 60_000)
  return { child, base, output: () => output }
}

describe('the OpenAPI document against real traffic (Prism validating proxy)', () => {
  let t: TestApp
  let now = new Date(JOURNEY_T0)
  let school: TestSchool
  let elsewhere: TestSchool
  let owner: pg.Client
  let prism: Awaited<ReturnType<typeof startPrism>>
  const seen: Array<{ request: string; status: number; violations: Violation[] }> = []

  beforeAll(async () => {
    t = await build({}, { clock: () => now })
    school = await t.school('contract-u', ['student', 'advisor', 'school_admin'])
    elsewhere = await t.school('contract-elsewhere-u', ['student', 'advisor'])
    owner = await ownerConnection(t)
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as { port: number }
    prism = await startPrism(`http://127.0.0.1:${port}`)
  }, 90_000)
  afterAll(async () => {
    prism?.child.kill('SIGTERM')
    await owner?.end()
    await t?.close()
  })

  /** The test app's request, sent over HTTP through the proxy; what Prism found is kept. */
  const throughPrism: TestApp['request'] = async ({ method = 'GET', url, token, payload, headers }) => {
    const json = payload !== undefined && typeof payload !== 'string'
    const response = await fetch(`${prism.base}${url}`, {
      method,
      headers: { ...(headers as Record<string, string>), ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json ? { 'content-type': 'application/json' } : {}) },
      body: payload === undefined ? undefined : json ? JSON.stringify(payload) : (payload as string),
    })
    const body = await response.text()
    const violations = JSON.parse(response.headers.get('sl-violations') ?? '[]') as Violation[]
    seen.push({ request: `${method} ${url}`, status: response.status, violations })
    return { statusCode: response.status, headers: Object.fromEntries(response.headers), body, json: () => JSON.parse(body) } as unknown as LightMyRequestResponse
  }

  it('finds no violation in the student\'s journey', async () => {
    await studentJourney({ request: throughPrism, setNow: (next) => (now = next), school, elsewhere, owner })
    expect(seen.length).toBeGreaterThan(30)
    expect(seen.filter((entry) => entry.violations.length > 0)).toEqual([])
  }, 120_000)

  it('finds no violation in the README\'s first requests, which leave out every parameter that has a default', async () => {
    const before = seen.length
    const student = school.members.student!.token
    const advisor = school.members.advisor!.token
    const answers = [
      await throughPrism({ method: 'GET', url: '/v1/me', token: student }),
      await throughPrism({ method: 'GET', url: '/v1/members?role=student', token: advisor }),
      await throughPrism({ method: 'GET', url: '/v1/contacts?q=pri', token: student }),
      await throughPrism({ method: 'GET', url: '/v1/contacts', token: student }),
      await throughPrism({ method: 'GET', url: '/v1/questions', token: student }),
      await throughPrism({ method: 'GET', url: '/v1/meetings', token: student }),
      await throughPrism({ method: 'GET', url: '/v1/referrals', token: student }),
      await throughPrism({ method: 'POST', url: '/v1/questions/check', token: student, payload: { questions: ['Do you like your job?', 'When was your company founded?', 'What does a typical day look like for you?'] } }),
      await throughPrism({ method: 'GET', url: `/v1/members/${school.members.student!.id}/perspectives`, token: student }),
      await throughPrism({ method: 'GET', url: '/v1/host-load?from=2030-09-01&to=2030-09-30', token: advisor }),
      await throughPrism({ method: 'GET', url: '/v1/reports/meetings.csv?from=2030-09-01T00:00:00Z&to=2030-09-30', token: advisor }),
    ]
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200])
    expect(seen.slice(before).filter((entry) => entry.violations.length > 0)).toEqual([])
  })
})
