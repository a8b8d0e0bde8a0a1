import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTACT_REASONS, CONTACT_RELATIONSHIPS, CONTACT_SOURCES } from '../src/modules/contacts/schemas.js'
import { MEETING_KINDS, MEETING_STATUSES } from '../src/modules/meetings/schemas.js'
import { OUTREACH_CHANNELS } from '../src/modules/outreach/schemas.js'
import { FUNNEL_STEPS } from '../src/modules/reports/metrics.js'
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

  it('has the enums of the REST schemas: the same values, in the same order', () => {
    const values = (name: string) => {
      const type = t.app.graphql.schema.getType(name)
      if (!type || !('getValues' in type)) throw new Error(`${name} is no enum`)
      return type.getValues().map((value) => value.value as string)
    }
    expect(values('MeetingKind')).toEqual([...MEETING_KINDS])
    expect(values('MeetingStatus')).toEqual([...MEETING_STATUSES])
    expect(values('ContactSource')).toEqual([...CONTACT_SOURCES])
    expect(values('ContactRelationship')).toEqual([...CONTACT_RELATIONSHIPS])
    expect(values('ContactReason')).toEqual([...CONTACT_REASONS])
    expect(values('OutreachChannel')).toEqual([...OUTREACH_CHANNELS])
    expect(values('FunnelStepName')).toEqual(FUNNEL_STEPS.map(([step]) => step))
  })
})
