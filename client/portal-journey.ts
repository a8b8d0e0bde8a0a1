// A portal's first integration, written against the typed client: its backend gets a token with its
// client credentials, provisions a student, subscribes a webhook endpoint; the student (signed in
// through the school) adds a contact, finds it, asks for a meeting and reads its checklist.
// test/typed-client.test.ts type-checks this file and runs it against the live service.
import { clientCredentialsToken, vantageClient } from './index.js'

export interface JourneyInput {
  baseUrl: string
  clientId: string
  clientSecret: string
  /** How the portal gets a student's token (the school's sign-in). */
  studentToken(externalId: string): Promise<string>
  webhookUrl: string
  /** A window a week ahead. */
  slot: { startsAt: string; endsAt: string }
}

export async function portalJourney(input: JourneyInput) {
  const token = await clientCredentialsToken(input.baseUrl, input.clientId, input.clientSecret)
  const portal = vantageClient(input.baseUrl, token)

  const provisioned = await portal.PUT('/v1/members/{externalId}', {
    params: { path: { externalId: 'portal-journey-student' } },
    body: { roles: ['student'], givenName: 'Ada', familyName: 'Lovelace', email: 'ada@example.edu', fieldsOfInterest: ['Design'] },
  })
  if (!provisioned.data) throw new Error(`provisioning: ${JSON.stringify(provisioned.error)}`)

  const webhook = await portal.POST('/v1/webhooks', { body: { url: input.webhookUrl, eventTypes: ['meeting.requested'] } })
  if (!webhook.data) throw new Error(`webhook: ${JSON.stringify(webhook.error)}`)

  const student = vantageClient(input.baseUrl, await input.studentToken('portal-journey-student'))
  const contact = await student.POST('/v1/contacts', { body: { fullName: 'Grace Hopper', organization: 'Navy Research Lab', industry: 'Design', source: 'personal' } })
  if (!contact.data) throw new Error(`contact: ${JSON.stringify(contact.error)}`)
  const found = await student.GET('/v1/contacts', { params: { query: { q: 'hopper' } } })
  const meeting = await student.POST('/v1/meetings', {
    body: { contactId: contact.data.id, kind: 'informational_interview', purpose: 'Learning how design research works; not asking for a job', mode: 'phone', proposedSlots: [input.slot] },
  })
  if (!meeting.data) throw new Error(`meeting: ${JSON.stringify(meeting.error)}`)
  const checklist = await student.GET('/v1/meetings/{meetingId}/checklist', { params: { path: { meetingId: meeting.data.id } } })
  // A problem answer comes back typed as the document's problem+json.
  const missing = await student.GET('/v1/contacts/{contactId}', { params: { path: { contactId: '0190aaaa-0000-7000-8000-000000000000' } } })

  return {
    member: { id: provisioned.data.id, roles: provisioned.data.roles },
    webhook: { id: webhook.data.webhook.id, secretPrefix: webhook.data.secret.slice(0, 6) },
    contactId: contact.data.id,
    found: found.data?.items.map((item) => item.fullName) ?? [],
    meeting: { id: meeting.data.id, status: meeting.data.status },
    checklist: checklist.data?.steps.map((step) => [step.step, step.state]) ?? [],
    missing: { status: missing.response.status, type: missing.error?.type },
  }
}
