// A school's view of the one Prisma client that serves every school. The client's connections come
// from SchoolPool (tenant-pool.ts), which sets each connection to the school bound to the asynchronous
// context that asks for it. This view binds its school to every statement it starts:
// - Prisma's queries are lazy: one runs when it is first awaited, not when it is built. So the
//   school is bound around `then` (and `catch`, `finally`) of each query this view returns, not
//   around the call that built it; the whole asynchronous chain of the query inherits it.
// - An interactive transaction takes its connection when it begins: `$transaction` runs with the
//   school bound, and every statement inside runs on that connection.
// - Prisma batches `findUnique` calls made in the same tick into one statement (its dataloader), for
//   every caller of a client. Two schools' lookups would become one statement run for one of them,
//   and the other would find nothing. This view runs `findUnique` as `findFirst` (never batched
//   outside a transaction), with a compound unique key spread into its fields.
import type { PrismaClient } from '../../generated/prisma/client.js'
import { currentSchool } from './tenant-pool.js'

const BOUND_METHODS = new Set<PropertyKey>(['then', 'catch', 'finally'])

/** A query whose execution (whenever it is awaited) runs with the school bound. */
function inSchool<T extends object>(schoolId: string, query: T): T {
  return new Proxy(query, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown
      if (typeof value !== 'function') return value
      if (BOUND_METHODS.has(property)) return (...args: unknown[]) => currentSchool.run(schoolId, () => value.apply(target, args))
      return value.bind(target)
    },
  })
}

function bound(schoolId: string, result: unknown): unknown {
  return result && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function' ? inSchool(schoolId, result) : result
}

/** `{ schoolId_id: { schoolId, id }, … }` → `{ schoolId, id, … }`: a unique filter as a plain one. */
export function uniqueAsFilter(where: Record<string, unknown>): Record<string, unknown> {
  const filter: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(where)) {
    const compound =
      key.includes('_') &&
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(value instanceof Date) &&
      Object.keys(value).join('_') === key
    if (compound) Object.assign(filter, value)
    else filter[key] = value
  }
  return filter
}

function delegateInSchool(schoolId: string, delegate: Record<string, unknown>) {
  return new Proxy(delegate, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown
      if (typeof value !== 'function') return value
      if (property === 'findUnique' || property === 'findUniqueOrThrow') {
        const first = target[property === 'findUnique' ? 'findFirst' : 'findFirstOrThrow'] as (args: unknown) => object
        return (args: { where: Record<string, unknown> }) => inSchool(schoolId, first.call(target, { ...args, where: uniqueAsFilter(args.where) }))
      }
      return (...args: unknown[]) => bound(schoolId, value.apply(target, args))
    },
  })
}

/** The client as seen by one school: every statement it starts runs with that school set. */
export function schoolScoped(client: PrismaClient, schoolId: string): PrismaClient {
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown
      if (property === '$transaction') {
        const transaction = value as (...args: unknown[]) => unknown
        return (...args: unknown[]) => bound(schoolId, currentSchool.run(schoolId, () => transaction.apply(target, args)))
      }
      if (typeof property === 'string' && property.startsWith('$')) {
        return typeof value === 'function' ? (...args: unknown[]) => bound(schoolId, (value as (...a: unknown[]) => unknown).apply(target, args)) : value
      }
      // A model's delegate (`db.contact`).
      if (value && typeof value === 'object') return delegateInSchool(schoolId, value as Record<string, unknown>)
      return value
    },
  })
}
