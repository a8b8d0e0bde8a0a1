import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, type TestApp } from './helpers/app.js'

// The graphql instance mercurius loaded (CommonJS): the schema's types belong to it.
const { printSchema } = createRequire(import.meta.url)('graphql') as typeof import('graphql')

describe('schema.graphql', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await build()
  })
  afterAll(() => t.close())

  it('is the schema the service serves (run `npm run graphql:schema` after changing it)', () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(`${printSchema(t.app.graphql.schema)}\n`)
  })

  it('describes every type, field, argument and enum value', () => {
    const undocumented: string[] = []
    for (const type of Object.values(t.app.graphql.schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue
      if (!type.description) undocumented.push(type.name)
      if ('getFields' in type) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undocumented.push(`${type.name}.${field.name}`)
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) undocumented.push(`${type.name}.${field.name}(${arg.name})`)
        }
      }
      if ('getValues' in type) {
        for (const value of type.getValues()) if (!value.description) undocumented.push(`${type.name}.${value.name}`)
      }
    }
    expect(undocumented).toEqual([])
  })
})
