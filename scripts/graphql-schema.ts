// npm run graphql:schema: writes schema.graphql, the GraphQL schema the service serves, with its
// descriptions. test/graphql-schema.test.ts fails when the file and the service differ.
import { writeFile } from 'node:fs/promises'
import { buildSchema, printSchema } from 'graphql'
import { typeDefs } from '../src/graphql/schema.js'

export const schemaFile = 'schema.graphql'

export function printedSchema(): string {
  return `${printSchema(buildSchema(typeDefs))}\n`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(schemaFile, printedSchema())
  console.log(`wrote ${schemaFile}`)
}
