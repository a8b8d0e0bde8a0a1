// Row-level security statements for a tenant table. The school comes from the connection's
// `app.school_id` setting, read once per statement through a sub-select; an unset or empty setting
// yields NULL, so a connection that names no school sees and writes nothing (it fails closed).
export const currentSchoolSql = "(SELECT NULLIF(current_setting('app.school_id', true), '')::uuid)"

export function tenantIsolationSql(table: string): string {
  return [
    `ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY;`,
    `CREATE POLICY "${table}_tenant_isolation" ON "${table}"`,
    `  USING ("school_id" = ${currentSchoolSql})`,
    `  WITH CHECK ("school_id" = ${currentSchoolSql});`,
  ].join('\n')
}

/** Tables created by a migration script that carry a school_id column. */
export function newTenantTables(migrationSql: string): string[] {
  const tables: string[] = []
  for (const match of migrationSql.matchAll(/CREATE TABLE "([^"]+)" \(([\s\S]*?)\n\);/g)) {
    if (/^\s*"school_id"/m.test(match[2] ?? '')) tables.push(match[1]!)
  }
  return tables
}
