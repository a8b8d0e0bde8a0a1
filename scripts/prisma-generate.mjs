// Runs `prisma generate` without the schema-engine download that every Prisma CLI command attempts
// first (it fails where only the npm registry is reachable): pointing PRISMA_SCHEMA_ENGINE_BINARY
// at any executable skips it, and generate itself never uses the engine.
import { spawnSync } from 'node:child_process'

const result = spawnSync('prisma', ['generate'], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
})
process.exit(result.status ?? 1)
