// What the generated types refuse: each line below must fail to compile (the test type-checks this
// folder; were the types `any`, these expectations would be unused and the check would fail).
import type { VantageClient } from './index.js'

export async function refusedByTheTypes(client: VantageClient) {
  // @ts-expect-error: the document has no such path
  await client.GET('/v1/no-such-path')
  // @ts-expect-error: a contact needs its fullName and source
  await client.POST('/v1/contacts', { body: { organization: 'Initech' } })
  // @ts-expect-error: a meeting's kind is one of two
  await client.POST('/v1/meetings', { body: { contactId: 'x', kind: 'lunch', purpose: 'p', mode: 'phone', proposedSlots: [] } })
  const { data } = await client.GET('/v1/contacts', {})
  // @ts-expect-error: a contact has no such field
  return data?.items[0]?.salary
}
