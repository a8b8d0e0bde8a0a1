// OpenTelemetry tracing, switched on by OTEL_EXPORTER_OTLP_ENDPOINT: the server process sends its
// spans (HTTP server, PostgreSQL) as OTLP/HTTP JSON to a collector, here a local one.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from './helpers/database.js'
import { startServerProcess } from './helpers/server-process.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Span {
  name: string
  kind: number
  traceId: string
  attributes?: Array<{ key: string; value: { stringValue?: string } }>
}

describe('tracing', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT, and with it exports spans of requests and their queries', async () => {
    const spans: Span[] = []
    const services = new Set<string>()
    const collector = http.createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: Span[] }> }>
          }
          for (const resource of body.resourceSpans) {
            services.add(resource.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '')
            for (const scope of resource.scopeSpans) spans.push(...scope.spans)
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      })
    })
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => collector.close(() => resolve())))
    const db = await createTestDatabase()
    cleanups.push(() => db.drop())

    const started = await startServerProcess(db, {
      SEED_DEMO: 'false',
      JOBS_ENABLED: 'false',
      DATA_DIR: `/tmp/vantage-tracing-${process.pid}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'vantage-test',
    })
    const { child, base, exited } = started
    cleanups.push(async () => void child.kill('SIGKILL'))
    const output = started.output()
    const deadline = Date.now() + 45_000
    expect(base, output).toBeDefined()
    const ready = await fetch(`${base}/health/ready`)
    expect(ready.status, await ready.clone().text()).toBe(200)

    const server = await (async () => {
      while (Date.now() < deadline) {
        const found = spans.find((span) => span.kind === 2 && span.attributes?.some((attribute) => attribute.key === 'url.path' && attribute.value.stringValue === '/health/ready'))
        if (found) return found
        await sleep(100)
      }
      return undefined
    })()
    expect(server, JSON.stringify(spans.map((span) => span.name))).toBeDefined()
    expect(services).toEqual(new Set(['vantage-test']))
    // The readiness check's query, in the request's trace.
    const query = spans.find((span) => span.traceId === server!.traceId && span.attributes?.some((attribute) => attribute.key === 'db.system' || attribute.key === 'db.system.name'))
    expect(query, JSON.stringify(spans.map((span) => span.name))).toBeDefined()
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 90_000)
})
