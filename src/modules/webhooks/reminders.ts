// Deadlines that act (the queue's task `reminders`, every minute from graphile-worker's cron, which
// runs each minute once across all instances). For each active school: host requests past their
// expiry are expired (host_request.expired follows from the trigger), and completed meetings whose
// thank-you note is due within THANK_YOU_DUE_SOON_HOURS, or whose deadline passed in the last day,
// are announced; so are booked meetings that start within PREPARATION_DUE_SOON_HOURS with a step of
// the guide's preparation still open (the résumé not sent, no homework notes, no questions: the
// checklist's steps 2-4, meetings/checklist.ts). Each announcement happens once per meeting (a unique index on the events), also
// when two instances run the task at the same moment or a restart repeats a minute.
import { Prisma } from '../../generated/prisma/client.js'
import type { Database } from '../../infra/db/database.js'
import { expireOverdueRequests } from '../host-requests/booking.js'

/** How far back an overdue deadline is still announced (covers downtime up to this long). */
export const OVERDUE_LOOKBACK_HOURS = 24

const HOUR = 3_600_000

export async function runReminders(database: Database, now: Date, dueSoonHours: number, preparationDueSoonHours = 24): Promise<{ schools: number; expired: number }> {
  const schools = await database.platform.school.findMany({ where: { status: 'active' }, select: { id: true } })
  let expired = 0
  for (const { id } of schools) {
    const tenant = database.forSchool(id)
    expired += await expireOverdueRequests(tenant.db, id, now)
    const meeting = Prisma.sql`jsonb_build_object('meetingId', m.id, 'studentId', m.student_id, 'contactId', m.contact_id, 'kind', m.kind, 'status', m.status)`
    // meetings_overdue_thank_you_idx (school, deadline) WHERE status = 'completed' serves both ranges.
    await tenant.sql(Prisma.sql`
      SELECT count(webhook_emit(m.school_id, CASE WHEN m.thank_you_due_at > ${now} THEN 'thank_you.due_soon' ELSE 'thank_you.overdue' END, m.id, ${meeting}))::int AS n
        FROM meetings m
       WHERE m.school_id = ${id}::uuid AND m.status = 'completed'
         AND m.thank_you_due_at > ${new Date(now.getTime() - OVERDUE_LOOKBACK_HOURS * HOUR)}
         AND m.thank_you_due_at <= ${new Date(now.getTime() + dueSoonHours * HOUR)}
         AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.school_id = m.school_id AND s.status = 'active'
                       AND s.event_types && ARRAY['thank_you.due_soon', 'thank_you.overdue'])`)
    // meetings_booked_start_idx (school, start) WHERE booked.
    await tenant.sql(Prisma.sql`
      SELECT count(webhook_emit(m.school_id, 'meeting.preparation_due', m.id, ${meeting}))::int AS n
        FROM meetings m
       WHERE m.school_id = ${id}::uuid AND m.status IN ('scheduled', 'resume_sent')
         AND m.starts_at > ${now} AND m.starts_at <= ${new Date(now.getTime() + preparationDueSoonHours * HOUR)}
         AND (m.resume_sent_at IS NULL OR coalesce(btrim(m.homework), '') = '' OR jsonb_array_length(m.questions) = 0)
         AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.school_id = m.school_id AND s.status = 'active'
                       AND 'meeting.preparation_due' = ANY (s.event_types))`)
  }
  return { schools: schools.length, expired }
}

/** How long a delivery may wait for a dispatch before the minute task arms one (see webhook_arm_dispatch). */
export const STALE_DISPATCH_SECONDS = 10

/**
 * The safety net of the outbox: a delivery written while its school's dispatch job was being taken
 * may find no job to send it; any school with such a delivery older than STALE_DISPATCH_SECONDS gets
 * a dispatch. Usually finds none.
 */
export async function rearmStaleDispatches(database: Database, now: Date): Promise<number> {
  const schools = await database.platform.school.findMany({ select: { id: true } })
  let armed = 0
  for (const { id } of schools) {
    const [row] = await database.forSchool(id).sql<{ n: number }>(Prisma.sql`
      SELECT count(webhook_arm_dispatch(${id}::uuid))::int AS n
        FROM (SELECT 1 WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE school_id = ${id}::uuid AND status = 'pending' AND NOT queued
                                        AND created_at < ${new Date(now.getTime() - STALE_DISPATCH_SECONDS * 1000)})) stale`)
    armed += row?.n ?? 0
  }
  return armed
}
