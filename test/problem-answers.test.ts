// Every refusal is application/problem+json with a type from the catalogue, including those made
// before any route runs: by Node's HTTP parser (headers too large, malformed HTTP), by Fastify's
// router (an undecodable URL, a path segment over maxParamLength), by content parsing, by the rate
// limit, and while the server closes. Requests go over a real socket: inject skips Node's parser.
import { connect } from 'node:net'
import { PassThrough } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientErrorHandler } from '../src/infra/http/errors.js'
import { problemTypes } from '../src/infra/http/problem.js'
import { build, type TestApp } from './helpers/app.js'

const PROBLEM_JSON = 'application/problem+json; charset=utf-8'

interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n')
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
  let body = text.slice(end + 4)
  if (headers['transfer-encoding'] === 'chunked') {
    let decoded = ''
    for (let rest = body; ; ) {
      const size = Number.parseInt(rest, 16)
      if (!size) break
      const start = rest.indexOf('\r\n') + 2
      decoded += rest.slice(start, start + size)
      rest = rest.slice(start + size + 2)
    }
    body = decoded
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body }
}

/** Writes `request` as is to a new connection and reads the answer until the server closes it. */
function raw(port: number, request: string | ((write: (chunk: string) => void) => Promise<void>)): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (received += chunk))
    // The server may close as soon as it has answered, before it read all of a request it refused.
    socket.on('error', (error: NodeJS.ErrnoException) => (received ? undefined : reject(error)))
    socket.on('close', () => (received ? resolve(parseAnswer(received)) : reject(new Error('closed without an answer'))))
    socket.on('connect', () => {
      if (typeof request === 'string') socket.write(request)
      else request((chunk) => socket.write(chunk)).catch(reject)
    })
  })
}

function expectProblem(answer: { status: number; headers: Record<string, string | string[] | undefined>; body: string }, code: keyof typeof problemTypes, what: string) {
  expect(answer.headers['content-type'], `${what}: ${answer.body}`).toBe(PROBLEM_JSON)
  const body = JSON.parse(answer.body) as { type: string; title: string; status: number }
  expect(body, what).toMatchObject({ type: `urn:vantage:problem:${code}`, title: problemTypes[code].title, status: problemTypes[code].status })
  expect(answer.status, what).toBe(problemTypes[code].status)
}

describe('problem+json for every refusal', () => {
  let t: TestApp
  let port: number
  let token: string
  let admin: string

  beforeAll(async () => {
    t = await build({ RATE_LIMIT_PER_MINUTE: '50' })
    const school = await t.school('refusals', ['advisor', 'school_admin'])
    token = school.members.advisor!.token
    admin = school.members.school_admin!.token
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    port = (t.app.server.address() as { port: number }).port
  })
  afterAll(() => t.close())

  const get = (path: string, headers = '') => raw(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`)

  it('headers over the server\'s limit (a 16 KB token): 431, from Node\'s HTTP parser', async () => {
    const answer = await get('/v1/me', `Authorization: Bearer ${'a'.repeat(16 * 1024)}\r\n`)
    expectProblem(answer, 'request-header-too-large', '16 KB token')
    expect(answer.headers.connection).toBe('close')
    // A URL that long overflows the same limit.
    expectProblem(await get(`/v1/contacts?cursor=${'a'.repeat(17 * 1024)}`), 'request-header-too-large', '17 KB URL')
  })

  it('a request whose headers do not arrive within Node\'s headersTimeout: 408 request-timeout', async () => {
    // Node waits 60 seconds by default: the handler is given the error it reports instead.
    const socket = new PassThrough()
    let written = ''
    socket.on('data', (chunk: Buffer) => (written += chunk.toString()))
    // The handler destroys the socket with the error, as Fastify's does; a real socket's owner ignores it.
    socket.on('error', () => {})
    clientErrorHandler.call(t.app, Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket)
    await sleep(10)
    expect(written.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout')
    expectProblem(parseAnswer(written), 'request-timeout', 'headers timeout')
    expect(socket.destroyed).toBe(true)
  })

  it('a request that is not well-formed HTTP/1.1: 400 malformed-request', async () => {
    expectProblem(await raw(port, 'GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n'), 'malformed-request', 'space in a header name')
    expectProblem(await raw(port, 'GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'), 'malformed-request', 'Content-Length with Transfer-Encoding')
    expectProblem(await raw(port, 'NOT-HTTP\r\n\r\n'), 'malformed-request', 'no request line')
  })

  it('a URL the router cannot decode (%ZZ): 400 malformed-request', async () => {
    const answer = await get('/v1/members/%ZZ', `Authorization: Bearer ${token}\r\n`)
    expectProblem(answer, 'malformed-request', '%ZZ')
    expect(JSON.parse(answer.body).instance).toBe('/v1/members/%ZZ')
  })

  it('a path segment over maxParamLength: 414 uri-too-long', async () => {
    expectProblem(await get(`/v1/members/${'a'.repeat(201)}`, `Authorization: Bearer ${token}\r\n`), 'uri-too-long', '201-character id')
    // Inside the limit it reaches the route (and its validation).
    expectProblem(await get(`/v1/members/${'a'.repeat(200)}`, `Authorization: Bearer ${token}\r\n`), 'validation-failed', '200-character id')
  })

  it('an unknown route or method: 404 not-found', async () => {
    expectProblem(await get('/v1/nothing-here'), 'not-found', 'unknown path')
    expectProblem(await raw(port, 'PATCH /v1/contacts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'), 'not-found', 'unknown method')
  })

  it('bodies that cannot be read: malformed JSON 400, another media type 415, too large 413', async () => {
    const put = (body: string, contentType: string) =>
      raw(port, `PUT /v1/members/S-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
    expectProblem(await put('{"roles": [', 'application/json'), 'validation-failed', 'malformed JSON')
    expectProblem(await put('', 'application/json'), 'validation-failed', 'empty JSON')
    expectProblem(await put('<roles/>', 'application/xml'), 'unsupported-media-type', 'XML')
    // Announced larger than BODY_LIMIT_BYTES: refused before the body is sent.
    expectProblem(
      await raw(port, `PUT /v1/members/S-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: ${t.config.bodyLimitBytes + 1}\r\nConnection: close\r\n\r\n{`),
      'payload-too-large',
      'too large',
    )
  })

  it('past the rate limit: 429 rate-limited', async () => {
    let last: RawAnswer | undefined
    for (let index = 0; index <= 50 && last?.status !== 429; index++) last = await get('/v1/me', `Authorization: Bearer ${token}\r\n`)
    expectProblem(last!, 'rate-limited', 'the 51st request')
  })
})

describe('problem+json while the server closes', () => {
  it('a request arriving on an open connection after close() began: 503 service-unavailable', async () => {
    let release!: () => void
    const started = new Promise<void>((resolve) => (release = resolve))
    const t = await build({}, {
      beforeReady: (app) =>
        app.get('/test/slow', { config: { public: true } }, async () => {
          release()
          await sleep(500)
          return { finished: true }
        }),
    })
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as { port: number }
    // One request keeps close() waiting; on a second connection a request has begun but not ended.
    const inFlight = raw(port, 'GET /test/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    await started
    let closing!: Promise<void>
    const late = raw(port, async (write) => {
      write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n')
      await sleep(50)
      closing = t.app.close()
      await sleep(50)
      write('Connection: close\r\n\r\n')
    })
    const answer = await late
    expectProblem(answer, 'service-unavailable', 'request after close()')
    expect(answer.headers['retry-after']).toBe('5')
    expect((await inFlight).status).toBe(200)
    await closing
    await t.database.close()
    await t.db.drop()
  })
})
