// Where Vantage keeps a member's data: every table and the column that names the member. The export
// reads exactly these, the erasure clears the personal fields of exactly these, and a test walks the
// database schema to prove the list complete: a column that references members (or is named like a
// member reference) must appear here or in NOT_PERSONAL with a reason, so a new table with member
// data cannot be forgotten (test/privacy.test.ts). Rows that are another member's record of them give
// only what the entry allows (`only`, `shown`, `rewrite`), and the members they come from are named
// to the audit log (`others`), so each disclosure shows in that member's disclosure log.
export interface MemberData {
  /** The export's section name. */
  section: string
  table: string
  /** The column naming the member; `member:<id>` for idempotency_keys.caller; the first of `entries`. */
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
  /** The only columns exported: of another student's record, the fact that it names the member. */
  only?: string[]
  /** An SQL condition over the row `t`: rows that fail it are left out (and disclose nobody). */
  shown?: string
  /**
   * An SQL expression over the row `t`: the ids (uuid[]) of the other members whose data the row
   * carries. They are the export's subjects in the audit log, and see it in their disclosure log with
   * its actor, so only members who know of the row: a member merely named in the exporting member's
   * own records (an alumnus their contact is, a host they ranked) is not one, or their log would tell
   * them who keeps them in a network.
   */
  others?: string
  /** What the section's rows are, where they are not the table's columns as stored. */
  description?: string
  /**
   * For rows that list many members in JSON arrays of objects (an assignment run's pairs): the
   * arrays, and the key that names the member in each object. A row is the member's when an array
   * holds an entry of theirs; the export gives the `only` columns and the member's own entries of
   * each array, and erasure removes those entries, leaving the other members' as they were.
   */
  entries?: { key: string; arrays: string[] }
}

/** Whether the row's student opted out of directory information (FERPA §99.37). */
const STUDENT_OPTED_OUT = 'EXISTS (SELECT 1 FROM members s WHERE s.school_id = t.school_id AND s.id = t.student_id AND s.directory_opt_out)'

export const MEMBER_DATA: MemberData[] = [
  { section: 'member', table: 'members', column: 'id', single: true },
  { section: 'contacts', table: 'contacts', column: 'student_id', omit: ['search'] },
  // Another student's record of the member: the notes, contact details and tags in it are the
  // student's (an access right covers data about the requester, not a third party's notes), so the
  // member learns only that a student of the school keeps one, and when it was made; nothing at all
  // of a student who opted out of directory information. The student is the disclosure's subject.
  {
    section: 'contactsNamingMember',
    table: 'contacts',
    column: 'alumni_member_id',
    only: ['created_at'],
    shown: `NOT ${STUDENT_OPTED_OUT}`,
    others: 'ARRAY[t.student_id]',
    description: 'One row per contact record a student of the school keeps that names the member: only when it was made (the student\'s notes, contact details and tags are the student\'s; a student who opted out of directory information is left out)',
  },
  { section: 'outreach', table: 'outreach', column: 'student_id' },
  { section: 'referrals', table: 'referrals', column: 'student_id' },
  { section: 'meetings', table: 'meetings', column: 'student_id' },
  { section: 'calendarFeeds', table: 'calendar_feeds', column: 'member_id', omit: ['secret_hash'] },
  { section: 'hostProfile', table: 'host_profiles', column: 'member_id', single: true },
  { section: 'hostRequestsSent', table: 'host_requests', column: 'student_id', others: 'ARRAY[t.host_id]' },
  // The match reasons are written to the student and some name the student's fields or background:
  // they are the student's data (in hostRequestsSent); the host's export keeps only those about the host.
  // The request is the host's too, but a student who opted out of directory information is not named.
  {
    section: 'hostRequestsReceived',
    table: 'host_requests',
    column: 'host_id',
    rewrite: {
      reasons: `(SELECT coalesce(jsonb_agg(r ORDER BY n), '[]'::jsonb) FROM jsonb_array_elements(t.reasons) WITH ORDINALITY AS e(r, n)
                  WHERE NOT (jsonb_typeof(r) = 'object' AND r ->> 'code' IN ('shared_field', 'shared_background')))`,
      student_id: `CASE WHEN ${STUDENT_OPTED_OUT} THEN NULL ELSE t.student_id END`,
    },
    others: 'ARRAY[t.student_id]',
    description: 'Rows of host_requests whose host_id is the member (columns as stored; reasons without those about the student, student_id null for a student who opted out of directory information)',
  },
  // A student's places in programmes (placements, ranked hosts, modes, location) and a host's
  // (capacity). Erasure takes a student out of every programme, a host out of the draft ones.
  { section: 'programmesAsStudent', table: 'program_students', column: 'student_id' },
  { section: 'programmesAsHost', table: 'program_hosts', column: 'host_id' },
  // An assignment run lists every student of the programme: a student's entries (their pairs with
  // the reasons written to them, the constraint that left them short, an advisor's pins and
  // forbidden pairs for them) are theirs, the rest are other students'. A host's side of a pair is
  // what their host profile showed (organization, availability, capacity, response counts), in
  // their export as hostProfile and kept by their erasure as the profile's are; a host learns of a
  // run only once it is published, as the requests it sends them (hostRequestsReceived).
  {
    section: 'assignmentRuns',
    table: 'assignment_runs',
    column: 'pairs',
    entries: { key: 'studentId', arrays: ['pairs', 'unmatched', 'pins', 'forbidden'] },
    only: ['id', 'program_id', 'created_at', 'published_at'],
    description: 'One row per assignment run that lists the member as a student (placed, left short, pinned or forbidden): the run\'s id, programme and times, and of its pairs, unmatched students, pins and forbidden pairs only the member\'s own entries',
  },
  {
    section: 'meetingConfirmations',
    table: 'meeting_confirmations',
    column: 'meeting_id',
    match: 'meeting',
    // Who said it: the meeting's student, or the alumnus its contact names.
    others: `(SELECT ARRAY[CASE t.party WHEN 'student' THEN m.student_id ELSE c.alumni_member_id END] FROM meetings m
                LEFT JOIN contacts c ON c.school_id = m.school_id AND c.id = m.contact_id WHERE m.school_id = t.school_id AND m.id = t.meeting_id)`,
  },
  // A stored response is a copy, kept a day for retries, of an answer the member was given: what in it
  // is theirs is in the other sections, and it may hold other members' data as shown at the time.
  { section: 'idempotentRequests', table: 'idempotency_keys', column: 'caller', match: 'caller', omit: ['response_body'] },
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
  'assignment_runs.created_by': 'the advisor or admin who computed the run: a record of the school\'s work, as the audit log\'s actor is; it names the member\'s anonymous tombstone after erasure',
}
