// A GraphQL document is parsed whole before its depth and cost are checked, so what reaches the parser
// is bounded first: the body (GRAPHQL_BODY_LIMIT_BYTES, 413) and the tokens (GRAPHQL_MAX_TOKENS, 400,
// the parser stopping at the limit). Both answer problem+json, as REST does: the request never reached GraphQL.
import { readFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp } from './helpers/app.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'
const DASHBOARD = readFileSync(new URL('../docs/dashboard.graphql', import.meta.url), 'utf8')
const RANGE = { from: '2030-01-01', to: '2030-03-31' }

/** `{ a0: me { kind } a1: me { kind } … }`: six tokens an alias, plus the two braces around them. */
const aliasedMe = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: me { kind }`).join(' ')} }`

describe('GraphQL request limits', () => {
  let t: TestApp
  let advisor: string
  /** What the service logs at warn and above: a refusal is answered once, with nothing to warn of. */
  const warnings: string[] = []

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        warnings.push(String(chunk))
        done()
      },
    })
    t = await build({}, { logger: { level: 'warn', stream } as never })
    advisor = (await t.school('gql-limits', ['advisor'])).members.advisor!.token
  })
  afterAll(() => t.close())

  const post = (payload: unknown, headers: Record<string, string> = {}) => t.request({ method: 'POST', url: '/graphql', token: advisor, payload: payload as string, headers })

  it('are configured by default at 32 KiB and 2000 tokens', () => {
    expect([t.config.graphqlBodyLimitBytes, t.config.graphqlMaxTokens]).toEqual([32768, 2000])
  })

  it('a 1 MB aliased query answers 413 problem+json at once, before it is read or parsed', async () => {
    // Under BODY_LIMIT_BYTES (1 MiB), which bounded it before.
    const query = aliasedMe(51_000)
    const body = JSON.stringify({ query })
    expect(body.length).toBeGreaterThan(1_000_000)
    expect(body.length).toBeLessThan(t.config.bodyLimitBytes)
    const started = performance.now()
    const answer = await post(body, { 'content-type': 'application/json' })
    const elapsedMs = performance.now() - started
    expect(answer.statusCode).toBe(413)
    expect(answer.headers['content-type']).toBe(PROBLEM_JSON)
    expect(answer.json()).toEqual({
      type: 'urn:vantage:problem:payload-too-large',
      title: 'The request body is too large',
      status: 413,
      detail: 'The request body is too large',
      instance: '/graphql',
    })
    // Parsing it took about 600 ms on these machines, and validating it longer.
    expect(elapsedMs).toBeLessThan(400)
    // The same as application/graphql, the other body mercurius reads.
    const raw = await post(query, { 'content-type': 'application/graphql' })
    expect([raw.statusCode, raw.headers['content-type'], raw.json().type]).toEqual([413, PROBLEM_JSON, 'urn:vantage:problem:payload-too-large'])
  })

  it('a query under the byte limit but over the token limit answers 400 problem+json, the parser stopping at the limit', async () => {
    // 700 aliases: 4,202 tokens in 13 KB. The syntax error after them would be reported if the
    // parser read that far; it stops at token 2,001 instead.
    const query = `${aliasedMe(700).slice(0, -1)} } } }`
    expect(Buffer.byteLength(JSON.stringify({ query }))).toBeLessThan(32768)
    const answer = await post({ query })
    expect(answer.statusCode, answer.body).toBe(400)
    expect(answer.headers['content-type']).toBe(PROBLEM_JSON)
    expect(answer.json()).toEqual({
      type: 'urn:vantage:problem:query-too-long',
      title: 'The GraphQL query has more tokens than one request may',
      status: 400,
      detail: 'The query has more than 2000 tokens; ask for fewer fields or aliases',
      instance: '/graphql',
    })
    // Through GET as well.
    const viaGet = await t.request({ method: 'GET', url: `/graphql?query=${encodeURIComponent(aliasedMe(400))}`, token: advisor })
    expect([viaGet.statusCode, viaGet.headers['content-type'], viaGet.json().type]).toEqual([400, PROBLEM_JSON, 'urn:vantage:problem:query-too-long'])
    // At the limit it is parsed, and it runs: 333 aliases, 2,000 tokens; one more alias is refused.
    const under = await post({ query: aliasedMe(333) })
    expect(under.statusCode, under.body).toBe(200)
    expect(Object.keys(under.json().data)).toHaveLength(333)
    expect((await post({ query: aliasedMe(334) })).json().type).toBe('urn:vantage:problem:query-too-long')
  })

  it('the documented dashboard still answers, as does a plain query, and GraphQL errors keep their shape', async () => {
    const dashboard = await post({ query: DASHBOARD, variables: RANGE })
    expect(dashboard.statusCode, dashboard.body).toBe(200)
    expect(dashboard.json().errors).toBeUndefined()
    expect(dashboard.json().data.report.studentCount).toBe(0)
    // Run again: served from the cache of parsed documents.
    expect((await post({ query: DASHBOARD, variables: RANGE })).json()).toEqual(dashboard.json())
    const me = await post({ query: '{ me { kind roles } }' })
    expect(me.json()).toEqual({ data: { me: { kind: 'member', roles: ['advisor'] } } })
    const syntax = await post({ query: '{ me { kind }' })
    expect(syntax.statusCode).toBe(400)
    expect(syntax.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(syntax.json()).toMatchObject({ data: null, errors: [{ extensions: { code: 'validation-failed' } }] })
    const anonymous = await t.request({ method: 'POST', url: '/graphql', payload: { query: '{ me { kind } }' } })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json()).toEqual({ data: null, errors: [{ message: 'Send a bearer token in the Authorization header', extensions: { code: 'credentials-missing' } }] })
  })

  it('answers each refusal once: nothing is sent twice or logged as failed', async () => {
    warnings.length = 0
    expect((await post(JSON.stringify({ query: aliasedMe(51_000) }), { 'content-type': 'application/json' })).statusCode).toBe(413)
    expect((await post({ query: aliasedMe(700) })).statusCode).toBe(400)
    expect((await post('{not json', { 'content-type': 'application/json' })).statusCode).toBe(400)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(warnings).toEqual([])
  })

  it('a body /graphql cannot read answers problem+json like REST', async () => {
    const malformed = await post('{"query": "{ me { kind } }"', { 'content-type': 'application/json' })
    expect([malformed.statusCode, malformed.headers['content-type'], malformed.json().type]).toEqual([400, PROBLEM_JSON, 'urn:vantage:problem:validation-failed'])
    const unsupported = await post('query=x', { 'content-type': 'application/xml' })
    expect([unsupported.statusCode, unsupported.headers['content-type'], unsupported.json().type]).toEqual([415, PROBLEM_JSON, 'urn:vantage:problem:unsupported-media-type'])
  })
})

describe('GraphQL request limits, configured', () => {
  it('follow GRAPHQL_BODY_LIMIT_BYTES and GRAPHQL_MAX_TOKENS', async () => {
    const t = await build({ GRAPHQL_BODY_LIMIT_BYTES: '2048', GRAPHQL_MAX_TOKENS: '100' })
    try {
      const token = (await t.school('gql-limits-small', ['advisor'])).members.advisor!.token
      const ask = (query: string) => t.request({ method: 'POST', url: '/graphql', token, payload: { query } })
      expect((await ask(aliasedMe(16))).statusCode).toBe(200)
      expect((await ask(aliasedMe(17))).json().type).toBe('urn:vantage:problem:query-too-long')
      expect((await ask(`${aliasedMe(16)}${' '.repeat(2048)}`)).statusCode).toBe(413)
      // REST keeps BODY_LIMIT_BYTES.
      const rest = await t.request({ method: 'PUT', url: '/v1/members/X-1', token, payload: { roles: ['student'], givenName: 'x'.repeat(3000) } })
      expect(rest.statusCode).not.toBe(413)
    } finally {
      await t.close()
    }
  })
})
