// The tenant tables, read from the catalog: every table of schema public with a school_id column.
// Offboarding exports and deletes them, and the row-level security tests check them, so a new
// table is covered without a list to keep.
import type pg from 'pg'

type Queryable = Pick<pg.ClientBase, 'query'>

export async function tenantTables(client: Queryable): Promise<string[]> {
  const { rows } = await client.query<{ relname: string }>(`
    SELECT c.relname FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'school_id' AND NOT a.attisdropped
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
     ORDER BY c.relname`)
  return rows.map((row) => row.relname)
}

/** The tenant tables, parents before children (by their foreign keys); a cycle is an error. */
export async function tenantTablesByDependency(client: Queryable): Promise<string[]> {
  const tables = await tenantTables(client)
  const { rows } = await client.query<{ child: string; parent: string }>(`
    SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint c
      JOIN pg_class child ON child.oid = c.conrelid
      JOIN pg_class parent ON parent.oid = c.confrelid
     WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND c.conrelid <> c.confrelid`)
  const parents = new Map(tables.map((table) => [table, new Set<string>()]))
  for (const { child, parent } of rows) if (parents.has(child) && parents.has(parent)) parents.get(child)!.add(parent)
  const ordered: string[] = []
  const visit = (table: string, path: string[]) => {
    if (ordered.includes(table)) return
    if (path.includes(table)) throw new Error(`the foreign keys of tenant tables form a cycle: ${[...path, table].join(' -> ')}`)
    for (const parent of [...parents.get(table)!].sort()) visit(parent, [...path, table])
    ordered.push(table)
  }
  for (const table of tables) visit(table, [])
  return ordered
}
