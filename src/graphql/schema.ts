// The GraphQL schema: the caller, and reporting for advisors. Every type and field is described
// here; `npm run graphql:schema` prints it to schema.graphql, which a test keeps in sync.
/** A member's name and email, as every type that shows a member has them. */
const NAME_AND_EMAIL = `"Given name"
    givenName: String
    "Family name"
    familyName: String
    "Email address"
    email: String`

/** A host's requests and the first answers, as the school's total and each host's activity count them. */
const REQUESTS_ANSWERED = `"Requests sent in the range"
    requestsReceived: Int!
    "Of those, accepted"
    accepted: Int!
    "Of those, declined"
    declined: Int!`

export const typeDefs = /* GraphQL */ `
  "A calendar date, YYYY-MM-DD. Report dates are days in the school's time zone."
  scalar Date

  "An instant, ISO 8601 in UTC."
  scalar DateTime

  "The authenticated caller."
  type Me {
    "member, client or platform"
    kind: String!
    "The member's external id, the client id, or the operator"
    subject: String!
    "The caller's school, null for platform operators"
    school: School
    "The caller's member record, null for clients and operators"
    member: MemberSummary
    "Roles the caller holds"
    roles: [String!]!
    "Scopes of an integration client"
    scopes: [String!]!
  }

  "A school (tenant)."
  type School {
    "The school's id"
    id: ID!
    "The school's short name in URLs"
    slug: String!
    "The school's name"
    name: String!
    "The IANA time zone report dates are days in"
    timeZone: String!
  }

  "A member as the caller may see themselves."
  type MemberSummary {
    "The member's id"
    id: ID!
    "The portal's id for the member"
    externalId: String!
    ${NAME_AND_EMAIL}
  }

  "An informational interview or a job shadow."
  enum MeetingKind {
    "A 30-60 minute conversation"
    informational_interview
    "Observing a professional at work, a few hours up to a week"
    job_shadow
  }

  "Where a meeting is in its lifecycle."
  enum MeetingStatus {
    "Asked for, with proposed slots"
    requested
    "One window agreed"
    scheduled
    "The student sent a résumé, for information only"
    resume_sent
    "Held; the thank-you note is due"
    completed
    "Held, and the thank-you note sent"
    thank_you_sent
    "The contact or host said no"
    declined
    "Called off"
    cancelled
    "Someone did not come"
    no_show
  }

  "How the student knows a contact."
  enum ContactSource {
    "Someone the student knows personally"
    personal
    "Suggested by someone else"
    referral
    "Put in touch through an organization"
    organization
    "Found through the alumni network"
    alumni_network
    "Reached without an introduction"
    cold
  }

  "How the student knows a contact, apart from how contact was made."
  enum ContactRelationship {
    "Family"
    family
    "A friend"
    friend
    "A professor"
    professor
    "A classmate"
    classmate
    "A colleague, including a former employer"
    colleague
    "An alumnus or alumna"
    alumni
    "Another relationship"
    other
  }

  "Why a student chose a contact: the guide's three reasons."
  enum ContactReason {
    "Works in a field the student is considering"
    considered_field
    "Followed a path like the one the student has in mind"
    similar_path
    "Knows an organization or industry"
    knows_organization
  }

  "Who students add to their networks: the guide's sources. Counted from the contacts as they are now, so on the day it agrees with the funnel's contacts_added unless a student was erased since."
  type NetworkSources {
    "Contacts the selected students added in the range"
    contactsAdded: Int!
    "Every relationship, then null for contacts whose relationship was not recorded; the counts add up to contactsAdded"
    byRelationship: [RelationshipCount!]!
    "Every reason; a contact chosen for several reasons counts under each"
    byReason: [ReasonCount!]!
    "Contacts added with no reason recorded"
    withoutReason: Int!
  }

  "Contacts of one relationship."
  type RelationshipCount {
    "The relationship; null for contacts whose relationship was not recorded"
    relationship: ContactRelationship
    "Contacts added in the range"
    contacts: Int!
    "contacts / contactsAdded; null when none were added"
    share: Float
  }

  "Contacts chosen for one reason."
  type ReasonCount {
    "The reason"
    reason: ContactReason!
    "Contacts added in the range with this reason among theirs"
    contacts: Int!
    "contacts / contactsAdded; null when none were added"
    share: Float
  }

  "How an outreach attempt was made."
  enum OutreachChannel {
    "Email"
    email
    "A LinkedIn message"
    linkedin
    "A phone call"
    phone
    "An introduction by a mutual contact"
    introduction
    "Through the contact's organization"
    organization
  }

  "The steps of the funnel, in order."
  enum FunnelStepName {
    "Contacts added to students' networks, by the day they were added"
    contacts_added
    "Outreach attempts, by the day they were sent"
    outreach_sent
    "Outreach sent in the range that got any answer (replied, agreed or declined)"
    replies
    "Meetings requested in the range: the cohort the next steps follow"
    meetings_requested
    "Meetings of the cohort that were ever scheduled (they have an agreed window, even if later cancelled or missed)"
    scheduled
    "Meetings of the cohort that were held (completed, with or without a thank-you since)"
    completed
    "Meetings of the cohort whose thank-you note was sent"
    thank_you_sent
  }

  "Week (Monday to Sunday) or calendar month, in the school's time zone."
  enum Bucket {
    "Weeks starting on Monday"
    WEEK
    "Calendar months"
    MONTH
  }

  "Which students a report counts. Every given condition must hold; none given means every student of the school."
  input ReportFilter {
    "Students whose major is exactly this"
    major: String
    "Students graduating in this year"
    graduationYear: Int
    "Students who share this background tag (students who chose not to share their tags are never counted under a tag)"
    backgroundTag: String
    "Students with this field among their fields of interest"
    field: String
    "Students taking part in this programme"
    programId: ID
  }

  "What can be asked."
  type Query {
    "Who is calling."
    me: Me!
    """
    Reporting for the caller's school over the school-local dates from..to (both included, at most
    1,830 days) for the students the filter selects. Advisors, school admins and integration clients
    with the reports:read scope only; anyone else gets a forbidden error.
    """
    report("First day of the range" from: Date!, "Last day of the range, included" to: Date!, "Which students count; none means all" filter: ReportFilter): Report!
  }

  "One school's numbers for a range of dates and a set of students."
  type Report {
    "Where the report read and how fresh that is (a read replica may lag behind the primary)"
    freshness: Freshness!
    "First day of the range"
    from: Date!
    "Last day of the range (included)"
    to: Date!
    "The school's time zone, in which the days are counted"
    timeZone: String!
    "Students the filter selects"
    studentCount: Int!
    "From contacts to thank-you notes, overall and broken down"
    funnel: Funnel!
    "Meetings per week or month, by kind and status; every bucket overlapping the range is listed, and only days in the range are counted"
    meetingsOverTime("Weeks or months" bucket: Bucket = WEEK): [MeetingBucket!]!
    "How many different people, organizations and industries students heard from"
    perspectives: Perspectives!
    "Referrals: how meetings lead to further conversations"
    networkGrowth: NetworkGrowth!
    "Contacts students added in the range, by how they know the person and why they chose them (the guide's sources)"
    networkSources: NetworkSources!
    "How alumni hosts are asked and answer"
    alumniEngagement: AlumniEngagement!
    "Held meetings whose thank-you note is overdue (deadline passed, deadline in the range), oldest deadline first"
    overdueThankYous("Rows per page, 1-100" first: Int = 20, "endCursor of the previous page; omit for the first" after: String): MeetingConnection!
    "Requests to hosts sent in the range and still waiting for an answer (not yet expired), oldest first"
    waitingRequests("Rows per page, 1-100" first: Int = 20, "endCursor of the previous page; omit for the first" after: String): WaitingRequestConnection!
    "The students the filter selects, with what each did in the range, in id order"
    students("Rows per page, 1-100" first: Int = 20, "endCursor of the previous page; omit for the first" after: String): StudentConnection!
    "Meetings of the selected students on a day in the range (their start, or their request while they have none), in id order"
    meetings("Rows per page, 1-100" first: Int = 20, "endCursor of the previous page; omit for the first" after: String, "Only meetings in this status now" status: MeetingStatus, "Only meetings of this kind" kind: MeetingKind): MeetingConnection!
    "The school's alumni hosts with their requests from the selected students in the range, in id order"
    hosts("Rows per page, 1-100" first: Int = 20, "endCursor of the previous page; omit for the first" after: String): HostConnection!
  }

  "One funnel step and its conversion from the step before."
  type FunnelStep {
    "Which step"
    step: FunnelStepName!
    "How many"
    count: Int!
    """
    This count divided by the previous step's; null for the first step or when the previous step is 0.
    From meetings requested on, each step is a subset of the one before, so this is a true rate;
    the first three steps are separate events and their ratios can exceed 1.
    """
    conversion: Float
  }

  "The funnel: contacts added, outreach sent, replies, then a cohort of meetings requested in the range and how far each got."
  type Funnel {
    "All steps, in order"
    steps: [FunnelStep!]!
    "Thank-you notes of the cohort sent within the school's window after the meeting ended"
    thankYouOnTime: Int!
    "thankYouOnTime divided by thank-you notes sent; null when none were sent"
    thankYouOnTimeShare: Float
    "The school's thank-you window, in hours after a meeting ends"
    thankYouWindowHours: Int!
    "The meeting steps (requested to thank-you sent) per kind of meeting"
    byKind: [FunnelByKind!]!
    "Every step per source of the contact (how the student knows them)"
    bySource: [FunnelBySource!]!
    "Outreach and replies per channel"
    byChannel: [ChannelReplies!]!
  }

  "The meeting steps of the funnel for one kind of meeting."
  type FunnelByKind {
    "The kind"
    kind: MeetingKind!
    "meetings_requested, scheduled, completed, thank_you_sent"
    steps: [FunnelStep!]!
    "Share of this kind's thank-you notes sent on time; null when none were sent"
    thankYouOnTimeShare: Float
  }

  "The funnel for contacts of one source."
  type FunnelBySource {
    "The source"
    source: ContactSource!
    "All seven steps for contacts of this source (outreach and meetings with them)"
    steps: [FunnelStep!]!
    "Replies divided by outreach sent to contacts of this source; null when none was sent"
    replyRate: Float
  }

  "Outreach and its replies through one channel."
  type ChannelReplies {
    "The channel"
    channel: OutreachChannel!
    "Outreach sent in the range"
    sent: Int!
    "Of those, how many got an answer"
    replies: Int!
    "replies divided by sent; null when none was sent"
    replyRate: Float
  }

  "Meetings in one week or month."
  type MeetingBucket {
    "The bucket's first day (a Monday, or the 1st)"
    start: Date!
    "The bucket's last day"
    end: Date!
    "Meetings counted in the bucket"
    total: Int!
    "Per kind, every kind listed"
    byKind: [KindCount!]!
    "Per status, every status listed"
    byStatus: [StatusCount!]!
    "Per kind and status, only those with meetings"
    counts: [KindStatusCount!]!
  }

  "A count for one kind of meeting."
  type KindCount {
    "The kind"
    kind: MeetingKind!
    "How many"
    count: Int!
  }

  "A count for one status."
  type StatusCount {
    "The status"
    status: MeetingStatus!
    "How many"
    count: Int!
  }

  "A count for one kind and status."
  type KindStatusCount {
    "The kind"
    kind: MeetingKind!
    "The status (now)"
    status: MeetingStatus!
    "How many"
    count: Int!
  }

  """
  Perspectives: per student, the different people, organizations and industries (a contact's
  industry is its field) the student talked to in meetings completed in the range. Organizations and
  industries are compared without case or surrounding spaces; a contact without one adds none.
  """
  type Perspectives {
    "Students the filter selects"
    students: Int!
    "Students who completed no meeting in the range"
    studentsWithNone: Int!
    "studentsWithNone divided by students; null when there are no students"
    shareWithNone: Float
    "How many students met 0, 1, 2, ... different people; the last bar counts that many or more"
    people: [HistogramBar!]!
    "The same for organizations"
    organizations: [HistogramBar!]!
    "The same for industries"
    industries: [HistogramBar!]!
    "Pairs of a student and a field in which the student met exactly one person: one view of that field"
    singleViewCount: Int!
    "Those pairs, by student id then field"
    singleViews("How many, 1-100" first: Int = 20): [SingleView!]!
  }

  "Where a report read its data, and as of when."
  type Freshness {
    "primary, or replica (REPORTING_DATABASE_URL)"
    source: String!
    "The data is as of this instant: now, or on a replica that has not replayed all it received, its last replayed commit"
    asOf: DateTime!
    "Seconds the replica's data is behind (0 on the primary, and on a replica that has replayed all it received)"
    lagSeconds: Float!
  }

  "One bar of a histogram."
  type HistogramBar {
    "The number of different people (or organizations, industries)"
    value: Int!
    "Whether the bar counts this value or more"
    orMore: Boolean!
    "Students with that many"
    students: Int!
  }

  "A student who has heard only one person in a field."
  type SingleView {
    "The student"
    student: ReportStudent!
    "The field (industry)"
    field: String!
    "The one person met in it"
    contact: ReportContact!
  }

  """
  Referrals recorded in the range ("X suggested I talk to Y"). The depth of a referral is the number
  of referral steps from someone the student knew without one, along the shortest chain to its
  referrer, counting this one: a referral by someone the student knew directly, or by someone named
  only, has depth 1; one by a contact of degree d in the student's network has depth d (the network's
  degrees, GET /v1/members/{id}/network). A referral that leads back to someone reached no later than
  its referrer closes a cycle and has no depth; the depths and the cycles add up to referralsReceived.
  """
  type NetworkGrowth {
    "Referrals recorded in the range"
    referralsReceived: Int!
    "Of those, referrals that came from a meeting"
    referralsFromMeetings: Int!
    "Meetings completed in the range"
    meetingsCompleted: Int!
    "referralsFromMeetings divided by meetingsCompleted; null when none was completed"
    referralsPerCompletedMeeting: Float
    "Referrals whose referred person the student has a meeting with that was scheduled (has an agreed window)"
    referralsConverted: Int!
    "referralsConverted divided by referralsReceived; null when there were none"
    conversionRate: Float
    "The deepest referral in the range (0 when none)"
    maxChainDepth: Int!
    "Referrals per depth, by depth"
    chainDepths: [DepthCount!]!
    "Referrals that close a cycle: they lead back to a contact reached no later than their referrer (no depth)"
    referralsInCycles: Int!
  }

  "Referrals at one depth."
  type DepthCount {
    "The depth"
    depth: Int!
    "Referrals at that depth"
    referrals: Int!
  }

  """
  Alumni hosts: requests sent to them in the range by the selected students, and how they answered.
  A request still pending past its expiry counts as expired, whether or not it was swept yet.
  Withdrawn requests (the student withdrew, or another host of the same request accepted first)
  count as requests received (the host was asked) but not in the acceptance rate.
  """
  type AlumniEngagement {
    "Alumni with a host profile"
    volunteers: Int!
    "Of those, hosts accepting requests now"
    accepting: Int!
    "Hosts who answered (accepted or declined) at least one request in the range"
    activeHosts: Int!
    ${REQUESTS_ANSWERED}
    "Of those, expired unanswered"
    expired: Int!
    "Of those, withdrawn"
    withdrawn: Int!
    "Of those, still waiting"
    pending: Int!
    "accepted divided by (accepted + declined + expired); null when none was decided"
    acceptanceRate: Float
    "Median hours from request to the host's answer, over answered requests; null when none was answered"
    medianResponseHours: Float
    "Meetings booked with hosts (accepted requests) starting in the range"
    booked: Int!
    "The hosts' capacity over the range: the sum of their meetings per month times the range's days divided by 30.436875 (365.2425 / 12, the mean length of a month)"
    capacity: Float!
    "booked divided by capacity; null when capacity is 0"
    utilization: Float
    "Gini coefficient of requests received per host, over all volunteers (0: evenly spread; near 1: a few hosts get them all); null when no requests"
    loadGini: Float
    "The hosts with the most requests, most first"
    mostAsked("How many, 1-100" first: Int = 5): [HostLoad!]!
  }

  "One host's requests in the range."
  type HostLoad {
    "The host"
    host: ReportHost!
    "Requests received"
    requests: Int!
    "Of those, accepted"
    accepted: Int!
    "accepted divided by requests"
    acceptanceShare: Float
  }

  "A student as an advisor sees them in reports."
  type ReportStudent {
    "The member id"
    id: ID!
    "The portal's id"
    externalId: String!
    ${NAME_AND_EMAIL}
    "Major"
    major: String
    "Graduation year"
    graduationYear: Int
    "Fields of interest"
    fieldsOfInterest: [String!]!
    "What the student did in the report's range"
    activity: StudentActivity!
  }

  "One student's numbers for the report's range (same definitions as the funnel and perspectives)."
  type StudentActivity {
    "Meetings requested in the range"
    meetingsRequested: Int!
    "Of those, held"
    meetingsCompleted: Int!
    "Of those, thanked"
    thankYouSent: Int!
    "Of those, thanked within the window"
    thankYouOnTime: Int!
    "Different people met in meetings completed in the range"
    peopleMet: Int!
    "Different organizations among them"
    organizationsMet: Int!
    "Different industries among them"
    industriesMet: Int!
    "Referrals recorded in the range"
    referralsReceived: Int!
    "When the student's last meeting in the range was completed"
    lastCompletedAt: DateTime
  }

  "A professional in a student's network."
  type ReportContact {
    "The contact's id"
    id: ID!
    "Full name"
    fullName: String!
    "Job title"
    title: String
    "Organization"
    organization: String
    "Industry (the contact's field)"
    industry: String
    "How the student knows them"
    source: ContactSource!
  }

  "A meeting in a drill-down list."
  type ReportMeeting {
    "The meeting's id"
    id: ID!
    "Interview or shadow"
    kind: MeetingKind!
    "Status now"
    status: MeetingStatus!
    "in_person, video or phone"
    mode: String!
    "When it was requested"
    requestedAt: DateTime!
    "Agreed start"
    startsAt: DateTime
    "Agreed end"
    endsAt: DateTime
    "When it was marked held"
    completedAt: DateTime
    "When the thank-you note is due"
    thankYouDueAt: DateTime
    "When the thank-you note was sent"
    thankYouSentAt: DateTime
    "Whether it was sent within the window"
    thankYouOnTime: Boolean
    "Hours since the thank-you deadline when the note is still unsent, else null"
    hoursOverdue: Float
    "The student"
    student: ReportStudent!
    "The person met"
    contact: ReportContact!
  }

  "An alumni host in reports."
  type ReportHost {
    "The host's member id"
    id: ID!
    ${NAME_AND_EMAIL}
    "Where the host works"
    organization: String!
    "Job title"
    title: String
    "Industries"
    industries: [String!]!
    "Accepting requests now"
    accepting: Boolean!
    "At most this many meetings a month"
    maxMeetingsPerMonth: Int!
    "Requests and bookings in the report's range"
    activity: HostActivity!
  }

  "One host's requests from the selected students in the range, and bookings against capacity."
  type HostActivity {
    ${REQUESTS_ANSWERED}
    "Of those, expired"
    expired: Int!
    "Of those, withdrawn by the student (another host of the same request accepted, or the student changed plans)"
    withdrawn: Int!
    "Of those, waiting (accepted + declined + expired + withdrawn + pending = requestsReceived)"
    pending: Int!
    "accepted divided by (accepted + declined + expired)"
    acceptanceRate: Float
    "Median hours to answer"
    medianResponseHours: Float
    "Meetings booked starting in the range"
    booked: Int!
    "Meetings per month times the range's days divided by 30.436875 (365.2425 / 12, the mean length of a month)"
    capacity: Float!
    "booked divided by capacity"
    utilization: Float
  }

  "A request to a host waiting for the host's answer."
  type WaitingRequest {
    "The request's id"
    id: ID!
    "Interview or shadow"
    kind: MeetingKind!
    "When it was sent"
    requestedAt: DateTime!
    "When it expires unanswered"
    expiresAt: DateTime!
    "Hours it has waited"
    hoursWaiting: Float!
    "The student"
    student: ReportStudent!
    "The host"
    host: ReportHost!
  }

  "Where a page ends."
  type PageInfo {
    "Whether another page follows"
    hasNextPage: Boolean!
    "Pass as after for the next page; null on the last"
    endCursor: String
  }

  "A page of students."
  type StudentConnection {
    "Rows in the whole list"
    totalCount: Int!
    "This page"
    nodes: [ReportStudent!]!
    "Where this page ends"
    pageInfo: PageInfo!
  }

  "A page of meetings."
  type MeetingConnection {
    "Rows in the whole list"
    totalCount: Int!
    "This page"
    nodes: [ReportMeeting!]!
    "Where this page ends"
    pageInfo: PageInfo!
  }

  "A page of hosts."
  type HostConnection {
    "Rows in the whole list"
    totalCount: Int!
    "This page"
    nodes: [ReportHost!]!
    "Where this page ends"
    pageInfo: PageInfo!
  }

  "A page of waiting requests."
  type WaitingRequestConnection {
    "Rows in the whole list"
    totalCount: Int!
    "This page"
    nodes: [WaitingRequest!]!
    "Where this page ends"
    pageInfo: PageInfo!
  }
`
