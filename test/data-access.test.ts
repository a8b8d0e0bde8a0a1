// The one way to a school's rows is a school's handle (Database.forSchool) or, for offboarding's walks,
// a connection set to the school (Database.schoolConnection). This reads the source: outside
// src/infra/db no code builds a Prisma client, and outside src/infra none touches the shared pools, whose
// connections carry whichever school they served last; the few infrastructure statements that set
// their own school (idempotency, audit batches, metrics, the job queue) stay inside src/infra.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { sources } from './helpers/sources.js'

const RULES: Array<{ what: string; pattern: RegExp; allowedUnder: string }> = [
  { what: 'builds a Prisma client', pattern: /new PrismaClient\b/, allowedUnder: 'src/infra/db/' },
  { what: 'touches the shared pool', pattern: /\.(pool|platformPool)\b|\bnewPool\(/, allowedUnder: 'src/infra/' },
  { what: 'sets a connection\'s school itself', pattern: /\b(acquireForTenant|SchoolPool|currentSchool)\b/, allowedUnder: 'src/infra/db/' },
]

describe('access to school data', () => {
  it('goes through a school\'s handle: no Prisma client, shared pool or school setting outside infrastructure', async () => {
    const files = await sources('src')
    expect(files.length).toBeGreaterThan(50)
    const offending: string[] = []
    for (const file of files) {
      const text = await readFile(file, 'utf8')
      for (const rule of RULES) {
        if (file.startsWith(rule.allowedUnder)) continue
        text.split('\n').forEach((line, index) => {
          if (rule.pattern.test(line) && !line.trimStart().startsWith('//') && !line.trimStart().startsWith('*')) offending.push(`${file}:${index + 1} ${rule.what}: ${line.trim()}`)
        })
      }
    }
    expect(offending).toEqual([])
  })
})
