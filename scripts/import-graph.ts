// The import graph of src/, for the import rules that test/imports.test.ts enforces: no cycles, and
// src/infra imports nothing from src/modules. Written here rather than with dependency-cruiser or
// madge: neither works with this project's TypeScript 7 (dependency-cruiser needs the compiler API
// TypeScript 7 lacks; madge's peer range stops at TypeScript 5), and the project's imports are
// plain: relative, ending in .js, one per `import … from` or `export … from`.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

/** Every .ts file below `root` (generated code left out), as paths relative to the repository. */
function sources(root: string, base: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const path = join(root, entry.name)
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sources(path, base)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative(base, path)] : []
  })
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

/** File → the files of src/ it imports (type-only imports included: they are seams too). */
export function importGraph(repository: string, root = 'src'): Map<string, string[]> {
  const files = sources(join(repository, root), repository)
  const known = new Set(files)
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const text = readFileSync(join(repository, file), 'utf8')
    const targets = new Set<string>()
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2]!
      if (!specifier.startsWith('.')) continue
      const target = relative(repository, resolve(repository, dirname(file), specifier)).replace(/\.js$/, '.ts')
      if (known.has(target)) targets.add(target)
    }
    graph.set(file, [...targets].sort())
  }
  return graph
}

/** The graph's cycles: each strongly connected group of two or more files, or a file importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const lowlinks = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string) => {
    indices.set(node, index)
    lowlinks.set(node, index++)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next)
        lowlinks.set(node, Math.min(lowlinks.get(node)!, lowlinks.get(next)!))
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node)!, indices.get(next)!))
      }
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const group: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        group.push(member)
      } while (member !== node)
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(group.sort())
    }
  }
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node)
  return found
}

/** Imports that cross a forbidden line: `from` files importing `to` files. */
export function crossings(graph: Map<string, string[]>, from: string, to: string): string[] {
  return [...graph].flatMap(([file, targets]) => (file.startsWith(from) ? targets.filter((target) => target.startsWith(to)).map((target) => `${file} → ${target}`) : []))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = importGraph(process.cwd())
  console.log(JSON.stringify({ files: graph.size, cycles: cycles(graph), infraToModules: crossings(graph, 'src/infra/', 'src/modules/') }, null, 2))
}
