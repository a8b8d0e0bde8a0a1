// The committed openapi.yaml is exactly what the service generates from its route schemas.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { generateOpenApiYaml } from '../scripts/openapi-document.js'

describe('openapi.yaml', () => {
  it('matches the document the service generates (run `npm run openapi` after changing a route)', async () => {
    const committed = await readFile('openapi.yaml', 'utf8')
    expect(await generateOpenApiYaml()).toBe(committed)
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
