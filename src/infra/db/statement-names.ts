// Names for server-side prepared statements. A named statement is parsed once per connection and,
// after a few executions, PostgreSQL may keep a generic plan for it, so a repeated query skips the
// parse and usually the planning (for the reporting dashboard these were a fifth of its database
// time: docs/BENCHMARKS.md). The name is the text's hash, so equal texts share one statement on a
// connection. Only SQL whose values are all parameters may be named, which Prisma.sql guarantees.
// The texts are bounded by the code's query shapes; past MAX_NAMED a text runs unnamed, so a
// caller that builds texts without bound cannot fill every connection with statements.
import { createHash } from 'node:crypto'

const MAX_NAMED = 2000
const names = new Map<string, string>()

/** The prepared statement's name for this text, or undefined once MAX_NAMED texts have names. */
export function statementName(text: string): string | undefined {
  let name = names.get(text)
  if (name === undefined && names.size < MAX_NAMED) {
    name = `v_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
    names.set(text, name)
  }
  return name
}
