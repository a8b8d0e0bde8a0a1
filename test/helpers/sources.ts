// The TypeScript files under a folder of the repository (the generated Prisma client left out), for
// tests that read the source itself.
import { readdir } from 'node:fs/promises'
import path from 'node:path'

export async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const files = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) return entry.name === 'generated' ? [] : sources(full)
      return entry.name.endsWith('.ts') ? [full] : []
    }),
  )
  return files.flat()
}
