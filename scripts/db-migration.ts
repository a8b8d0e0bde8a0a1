// npm run db:migration -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql: the SQL that takes the committed
// migrations to prisma/schema.prisma, plus row-level security for every new table with a
// school_id column. Review the file before committing it. Needs DATABASE_URL (an owner role that
// may create databases); without it, the embedded PostgreSQL of `npm start` is used.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { diffMigrationsToSchema, migrationsDir } from '../src/infra/db/schema-engine.js'
import { newTenantTables, tenantIsolationSql } from '../src/infra/db/rls.js'
import { resolveOwnerUrl } from './database-url.js'

const name = (process.argv[2] ?? '').trim()
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <name>   (lowercase letters, digits and underscores)')
  process.exit(2)
}

const { url, stop } = await resolveOwnerUrl()
try {
  const sql = await diffMigrationsToSchema(url)
  if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
    console.log('schema.prisma matches the migrations: nothing to write')
  } else {
    const tenantTables = newTenantTables(sql)
    const rls = tenantTables.map((table) => `-- Tenant isolation\n${tenantIsolationSql(table)}\n`).join('\n')
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
    const dir = path.join(migrationsDir, `${stamp}_${name}`)
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, 'migration.sql'), rls ? `${sql.trimEnd()}\n\n${rls}` : sql)
    console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql` +
      (tenantTables.length ? ` (row-level security for ${tenantTables.join(', ')})` : ''))
  }
} finally {
  await stop()
}
