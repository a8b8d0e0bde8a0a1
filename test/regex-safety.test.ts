// Regular expressions that run on what callers send must not backtrack exponentially: one request
// would hold the event loop (every school's requests) for minutes. Exponential backtracking needs a
// quantified group (star height 2, or an alternation under a quantifier), so every regular expression
// literal in src/ with one is checked by recheck, a ReDoS checker; a polynomial one is bounded by the
// length limits on every text field. The question checker, which reads any member's text, is also
// run on the inputs that broke it.
import { readFile } from 'node:fs/promises'
import { parse } from '@babel/parser'
import { checkSync } from 'recheck'
import { describe, expect, it } from 'vitest'
import { checkQuestion } from '../src/modules/questions/checker/index.js'
import { sources } from './helpers/sources.js'

interface Literal { where: string; pattern: string; flags: string }

async function literals(): Promise<Literal[]> {
  const found: Literal[] = []
  for (const file of await sources('src')) {
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return
      if (Array.isArray(node)) return node.forEach(visit)
      const n = node as { type?: string; pattern?: string; flags?: string; loc?: { start: { line: number } } }
      if (n.type === 'RegExpLiteral') found.push({ where: `${file}:${n.loc!.start.line}`, pattern: n.pattern!, flags: n.flags! })
      for (const [key, value] of Object.entries(node)) if (key !== 'loc') visit(value)
    }
    visit(parse(await readFile(file, 'utf8'), { sourceType: 'module', plugins: ['typescript'] }).program)
  }
  return found
}

/** A group followed by *, + or an open-ended {n,}: what exponential backtracking needs. */
const QUANTIFIED_GROUP = /\)(?:[*+]|\{\d+,\d*\})/

describe('regular expressions', () => {
  it('in src/ include no pattern with exponential backtracking', async () => {
    const all = await literals()
    expect(all.length).toBeGreaterThan(200)
    const candidates = all.filter((literal) => QUANTIFIED_GROUP.test(literal.pattern))
    const exponential = candidates
      .map((literal) => ({ ...literal, result: checkSync(literal.pattern, literal.flags, { timeout: 20_000 }) }))
      .filter(({ result }) => result.status !== 'safe' && !(result.status === 'vulnerable' && result.complexity.type === 'polynomial'))
      .map(({ where, pattern, result }) => `${where} /${pattern}/: ${result.status === 'vulnerable' ? `exponential on ${JSON.stringify(result.attack.pattern)}` : result.status}`)
    expect(exponential).toEqual([])
  }, 120_000)

  it('finds a vulnerable pattern as such (the checker is not a no-op)', () => {
    const result = checkSync('[,:;]\\s*([^,:;]+(?:,\\s*[^,:;]+)*)$', '', { timeout: 20_000 })
    expect(result.status === 'vulnerable' && result.complexity.type).toBe('exponential')
  }, 60_000)

  it('the question checker reads the texts that once took it exponential time', () => {
    const texts = [
      `What${', a'.repeat(25)},?`,
      `What${', a'.repeat(160)},?`,
      `Which is better${', x y'.repeat(120)};`,
      `How${',\t'.repeat(200)}`,
      `${'?'.repeat(499)}`,
      `Is it${' '.repeat(490)}?`,
    ]
    // Not a speed target: the broken pattern took seconds on the first text (and hours on the second,
    // which is why it comes second), the fixed one microseconds.
    const started = performance.now()
    expect(checkQuestion(texts[0]!)).toHaveProperty('closed')
    expect(performance.now() - started).toBeLessThan(2_000)
    for (const text of texts.slice(1)) expect(checkQuestion(text)).toHaveProperty('closed')
  })
})
