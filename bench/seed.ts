// Bench data shared by the scenarios: a school's members (one advisor, students, a tenth alumni)
// and their conversations (contacts and meetings in every state). Written through an owner
// connection with the school set for the transaction (row-level security applies to the owner too).
import type pg from 'pg'

const MAJORS = ['Biology', 'Computer Science', 'Economics', 'History', 'Mechanical Engineering', 'Psychology', 'Journalism', 'Chemistry']

/** m-1 is the advisor, every tenth member an alumnus, the rest students with majors, years, fields and tags. */
export async function seedStudents(owner: pg.Client, schoolId: string, members: number) {
  await owner.query(
    `INSERT INTO members (school_id, id, external_id, roles, given_name, family_name, email, major, graduation_year,
                          fields_of_interest, background_tags, updated_at)
     SELECT $1::uuid, uuid_generate_v7(), 'm-' || n,
            CASE WHEN n = 1 THEN ARRAY['advisor']::member_role[] WHEN n % 10 = 0 THEN ARRAY['alumni']::member_role[] ELSE ARRAY['student']::member_role[] END,
            'Given' || n, 'Family' || n, 'm' || n || '@bench.edu', ($3::text[])[1 + n % 8], 2020 + n % 10,
            ARRAY['Field ' || (n % 12)], CASE WHEN n % 3 = 0 THEN ARRAY['first-generation'] ELSE ARRAY[]::text[] END, now()
       FROM generate_series(1, $2) n`,
    [schoolId, members, MAJORS],
  )
}

/** Two contacts per student, and meetings in every state (booked ones in windows that never overlap). */
/** `first` numbers the student's meetings from there, so a second call adds windows that do not overlap the first's. */
export async function seedConversations(owner: pg.Client, schoolId: string, meetingsPerStudent: number, first = 1) {
  await owner.query(
    `INSERT INTO contacts (school_id, id, student_id, full_name, title, organization, industry, source, notes, updated_at)
     SELECT m.school_id, uuid_generate_v7(), m.id, (ARRAY['Grace','Omar','Rachel','Tomas','Aisha','Lucas','Priya','Noah'])[1 + (n + j) % 8] || ' ' ||
              (ARRAY['Park','Haddad','Cohen','Garcia','Khan','Silva','Patel','Brown'])[1 + (n * 3 + j) % 8] || ' ' || n || '-' || j,
            (ARRAY['Engineer','Nurse','Analyst','Designer','Teacher'])[1 + n % 5],
            (ARRAY['Mercy Hospital','Acme Energy','Northwind Bank','Globex','City Schools'])[1 + (n + j) % 5],
            (ARRAY['Healthcare','Energy','Finance','Software','Education'])[1 + (n + j) % 5],
            (ARRAY['personal','referral','organization','alumni_network','cold'])[1 + j % 5]::contact_source,
            'Met at the career fair; talks about ' || (ARRAY['hospitals','turbines','markets','compilers','classrooms'])[1 + n % 5], now()
       FROM (SELECT school_id, id, substring(external_id from 3)::int AS n FROM members WHERE school_id = $1 AND 'student' = ANY(roles)) m
       CROSS JOIN generate_series(1, 2) j`,
    [schoolId],
  )
  await owner.query(
    `INSERT INTO meetings (school_id, id, student_id, contact_id, kind, status, purpose, mode, location, proposed_slots,
                           starts_at, ends_at, thank_you_due_at, completed_at, thank_you_sent_at, thank_you_on_time, rating, questions, updated_at)
     SELECT m.school_id, uuid_generate_v7(), m.id, c.id,
            (CASE WHEN i % 7 = 0 THEN 'job_shadow' ELSE 'informational_interview' END)::meeting_kind, s.status,
            'Learning about the field; not looking for a job', 'video', 'https://meet.example/bench', '[]'::jsonb,
            w.starts_at, w.starts_at + interval '45 minutes', w.starts_at + interval '45 minutes' + interval '24 hours',
            CASE WHEN s.status IN ('completed', 'thank_you_sent') THEN w.starts_at + interval '45 minutes' END,
            CASE WHEN s.status = 'thank_you_sent' THEN w.starts_at + interval '20 hours' END,
            CASE WHEN s.status = 'thank_you_sent' THEN true END,
            CASE WHEN s.status IN ('completed', 'thank_you_sent') THEN 1 + i % 5 END,
            -- Five prepared questions, stored as they were before the checker read topics: every read reads them again.
            '[{"text":"How did you get started in this field?","source":"custom","questionId":null,"closed":false,"suggestion":null},
              {"text":"What does a typical day look like for you?","source":"custom","questionId":null,"closed":false,"suggestion":null},
              {"text":"Do you like your job?","source":"custom","questionId":null,"closed":true,"suggestion":"What do you like most about your job?"},
              {"text":"When was your company founded?","source":"custom","questionId":null,"closed":false,"suggestion":null},
              {"text":"Where do you see this profession heading in the next five years?","source":"custom","questionId":null,"closed":false,"suggestion":null}]'::jsonb,
            now()
       FROM members m
       CROSS JOIN generate_series($3::int, $3::int + $2::int - 1) i
       CROSS JOIN LATERAL (SELECT (CASE i % 10 WHEN 0 THEN 'requested' WHEN 1 THEN 'scheduled' WHEN 2 THEN 'cancelled' WHEN 3 THEN 'completed'
                                                 ELSE 'thank_you_sent' END)::meeting_status AS status) s
       CROSS JOIN LATERAL (SELECT CASE WHEN s.status = 'requested' THEN NULL
                                       WHEN s.status = 'scheduled' THEN now() + i * interval '6 hours'
                                       ELSE now() - i * interval '6 hours' END AS starts_at) w
       JOIN LATERAL (SELECT id FROM contacts c WHERE c.school_id = m.school_id AND c.student_id = m.id ORDER BY id LIMIT 1) c ON true
      WHERE m.school_id = $1 AND 'student' = ANY(m.roles)`,
    [schoolId, meetingsPerStudent, first],
  )
}


/** Folds the report deltas the seed's statements appended into the school's rollups. */
export async function compactReports(owner: pg.Client, schoolId: string) {
  await owner.query('BEGIN')
  await owner.query("SELECT set_config('app.school_id', $1, true)", [schoolId])
  await owner.query('SELECT report_compact($1)', [schoolId])
  await owner.query('COMMIT')
}
