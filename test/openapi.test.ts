// The committed openapi.yaml is exactly what the service generates from its route schemas.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { generateOpenApiYaml } from '../scripts/openapi-document.js'

describe('openapi.yaml', () => {
  it('matches the document the service generates (run `npm run openapi` after changing a route)', async () => {
    const committed = await readFile('openapi.yaml', 'utf8')
    expect(await generateOpenApiYaml()).toBe(committed)
  })

  it('declares every query parameter with a default as optional, as the service treats it', async () => {
    const { parse } = await import('yaml')
    const document = parse(await readFile('openapi.yaml', 'utf8')) as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean; schema?: { default?: unknown } }> }>> }
    const defaulted = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        (operation.parameters ?? []).filter((parameter) => parameter.in === 'query' && parameter.schema?.default !== undefined).map((parameter) => ({ at: `${method.toUpperCase()} ${path} ${parameter.name}`, required: parameter.required ?? false })),
      ),
    )
    // limit on every list, sort on /v1/contacts, includeArchived on /v1/questions, among others.
    expect(defaulted.map((parameter) => parameter.at)).toEqual(expect.arrayContaining(['GET /v1/contacts limit', 'GET /v1/contacts sort', 'GET /v1/questions includeArchived']))
    expect(defaulted.length).toBeGreaterThanOrEqual(18)
    expect(defaulted.filter((parameter) => parameter.required)).toEqual([])
  })

  it('declares the bodies the service takes: a confirmation as JSON or a form post, a publication as `{}`', async () => {
    const { parse } = await import('yaml')
    const document = parse(await readFile('openapi.yaml', 'utf8')) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>> }
    expect(Object.keys(document.paths['/v1/confirmations']!.post!.requestBody!.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded'])
    const publish = document.paths['/v1/programs/{programId}/assignment-runs/{runId}/publish']!.post!.requestBody!.content
    expect(publish['application/json']!.schema).toMatchObject({ type: 'object', additionalProperties: false })
  })

  it('defines each error response once under components and refers to it; every reference resolves, and each operation is tagged by its path', async () => {
    const { parse } = await import('yaml')
    type Operation = { tags?: string[]; responses: Record<string, { $ref?: string; content?: Record<string, unknown> }> }
    const document = parse(await readFile('openapi.yaml', 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, { content: Record<string, unknown> }> } }
    const shared = document.components.responses
    expect(Object.keys(shared)).toEqual(expect.arrayContaining(['BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'TooManyRequests', 'InternalError', 'ServiceUnavailable']))
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const at = `${method.toUpperCase()} ${path} ${status}`
          if (response.$ref) expect(shared[response.$ref.replace('#/components/responses/', '')], at).toBeDefined()
          else expect(Object.keys(response.content ?? {}), at).not.toContain('application/problem+json')
        }
        // The tag is the path's first segment after /v1 (programs, not programmes).
        const segment = /^\/v1\/([a-z-]+)/.exec(path)?.[1]
        if (segment === 'programs') expect(operation.tags, `${method} ${path}`).toEqual(['programs'])
      }
    }
  })
})

describe('/docs', () => {
  it('serves the same document without a token', async () => {
    const { build } = await import('./helpers/app.js')
    const { parse } = await import('yaml')
    const t = await build()
    try {
      const response = await t.request({ method: 'GET', url: '/docs/json' })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual(parse(await readFile('openapi.yaml', 'utf8')))
      expect((await t.request({ method: 'GET', url: '/docs' })).statusCode).toBe(200)
    } finally {
      await t.close()
    }
  })
})
