// The import rules of src/ (scripts/import-graph.ts reads the graph): no file imports itself through
// others, and the infrastructure imports no product module (modules hand infra what it runs for
// them: the queue's tasks, the OpenAPI document's webhooks).
import { describe, expect, it } from 'vitest'
import { crossings, cycles, importGraph } from '../scripts/import-graph.js'

describe('imports', () => {
  const graph = importGraph(process.cwd())

  it('reads the whole of src/', () => {
    expect(graph.size).toBeGreaterThan(100)
    expect(graph.get('src/app.ts')).toEqual(expect.arrayContaining(['src/config.ts', 'src/modules/meetings/routes.ts']))
  })

  it('form no cycle', () => {
    expect(cycles(graph)).toEqual([])
  })

  it('never go from src/infra to src/modules', () => {
    expect(crossings(graph, 'src/infra/', 'src/modules/')).toEqual([])
  })

  it('are found as the rules need: a cycle and a crossing in a small graph', () => {
    const small = new Map([
      ['src/infra/a.ts', ['src/modules/b.ts']],
      ['src/modules/b.ts', ['src/modules/c.ts']],
      ['src/modules/c.ts', ['src/modules/b.ts']],
      ['src/modules/d.ts', ['src/modules/d.ts']],
    ])
    expect(cycles(small)).toEqual([['src/modules/b.ts', 'src/modules/c.ts'], ['src/modules/d.ts']])
    expect(crossings(small, 'src/infra/', 'src/modules/')).toEqual(['src/infra/a.ts → src/modules/b.ts'])
  })
})
