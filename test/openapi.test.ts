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
