// Prisma CLI configuration. Migrations are applied by scripts/db-migrate.ts (the WebAssembly
// schema engine), so the CLI only needs the schema location here.
import { defineConfig } from 'prisma/config'

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
})
