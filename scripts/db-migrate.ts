// npm run db:migrate: applies the migrations in prisma/migrations that the database has not seen,
// as `prisma migrate deploy` would (DATABASE_URL, else the embedded PostgreSQL).
import { applyMigrations } from '../src/infra/db/schema-engine.js'
import { resolveOwnerUrl } from './database-url.js'

const { url, stop } = await resolveOwnerUrl()
try {
  const applied = await applyMigrations(url)
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'the database is up to date')
} finally {
  await stop()
}
