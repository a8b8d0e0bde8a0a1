// Where Vantage keeps a member's data: every table and the column that names the member. The export
// reads exactly these, the erasure clears the personal fields of exactly these, and a test walks the
// database schema to prove the list complete: a column that references members (or is named like a
// member reference) must appear here or in NOT_PERSONAL with a reason, so a new table with member
// data cannot be forgotten (test/privacy.test.ts).
export interface MemberData {
  /** The export's section name. */
  section: string
  table: string
  /** The column naming the member; `member:<id>` for idempotency_keys.caller. */
  column: string
  /**
   * How the column names the member: its id (the default); `member:<id>` (idempotency_keys.caller);
   * or a meeting of theirs, as the student or as the alumnus their contact names (meeting_id).
   */
  match?: 'id' | 'caller' | 'meeting'
  /** Columns exported as an SQL expression over the row `t` instead of as stored. */
  rewrite?: Record<string, string>
  /** Columns left out of the export: secrets (hashes) and derived search vectors. */
  omit?: string[]
  /** One row (the member, their host profile) rather than a list. */
  single?: boolean
}

export const MEMBER_DATA: MemberData[] = [
  { section: 'member', table: 'members', column: 'id', single: true },
  { section: 'contacts', table: 'contacts', column: 'student_id', omit: ['search'] },
  { section: 'contactsNamingMember', table: 'contacts', column: 'alumni_member_id', omit: ['search'] },
  { section: 'outreach', table: 'outreach', column: 'student_id' },
  { section: 'referrals', table: 'referrals', column: 'student_id' },
  { section: 'meetings', table: 'meetings', column: 'student_id' },
  { section: 'calendarFeeds', table: 'calendar_feeds', column: 'member_id', omit: ['secret_hash'] },
  { section: 'hostProfile', table: 'host_profiles', column: 'member_id', single: true },
  { section: 'hostRequestsSent', table: 'host_requests', column: 'student_id' },
  // The match reasons are written to the student and some name the student's fields or background:
  // they are the student's data (in hostRequestsSent); the host's export keeps only those about the host.
  {
    section: 'hostRequestsReceived',
    table: 'host_requests',
    column: 'host_id',
    rewrite: {
      reasons: `(SELECT coalesce(jsonb_agg(r ORDER BY n), '[]'::jsonb) FROM jsonb_array_elements(t.reasons) WITH ORDINALITY AS e(r, n)
                  WHERE NOT (jsonb_typeof(r) = 'object' AND r ->> 'code' IN ('shared_field', 'shared_background')))`,
    },
  },
  { section: 'programmesAsStudent', table: 'program_students', column: 'student_id' },
  { section: 'programmesAsHost', table: 'program_hosts', column: 'host_id' },
  { section: 'meetingConfirmations', table: 'meeting_confirmations', column: 'meeting_id', match: 'meeting' },
  { section: 'idempotentRequests', table: 'idempotency_keys', column: 'caller', match: 'caller' },
]

/** Columns that name a member but hold nothing personal about them, and why. */
export const NOT_PERSONAL: Record<string, string> = {
  'report_cells.student_id': 'counts for reports (how many contacts, meetings, people met per day); kept as anonymous aggregates after erasure, and the member row they name is anonymized',
  'report_cell_deltas.student_id': 'the same counts, not yet folded into report_cells',
  'report_cell_deltas.contact_id': 'the same counts, by contact id',
  'report_cells.contact_id': 'the same counts, by contact id',
  'report_met.student_id': 'who a student met, for reports (one row per person met: organization, industry and days); kept as anonymous aggregates after erasure, like report_cells',
  'report_met.contact_id': 'the same rows, by contact id',
  'webhook_events.subject_id': 'the id of the changed record (meeting, referral, request, programme, member); events carry ids only',
}
