// The page a person sees on opening a confirmation link in a browser: what the meeting was, and two
// buttons (a plain HTML form, no script) to say it took place or the other party did not come; once
// answered, the answer. Errors (an expired or unknown link, an answer already given) are pages too.
// API clients get JSON from the same URLs (routes.ts negotiates on Accept).
//
// Written by hand rather than with a template engine: one small page whose every dynamic value goes
// through `escape`. Accessibility: a language, a title, one h1 in a main landmark, a fieldset with a
// legend around the choices, real buttons, text contrast above 7:1, a visible focus ring, and a layout
// that reflows on a phone.

/** The headers every page carries: nothing loads but the page itself, and the link (a credential in the URL) is never sent on. */
export const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escape = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!)

const STYLE = `
  body { margin: 0; font: 1.125rem/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; background: #f6f6f4; }
  main { max-width: 36rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border: 1px solid #d0d0cc; border-radius: 0.5rem; }
  h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
  fieldset { border: 0; padding: 0; margin: 1.5rem 0 0; }
  legend { font-weight: 600; margin-bottom: 0.75rem; }
  button { display: block; width: 100%; margin: 0 0 0.75rem; padding: 0.75rem 1rem; font: inherit; border-radius: 0.375rem; cursor: pointer;
    border: 2px solid #0b4f8a; background: #0b4f8a; color: #fff; }
  button.secondary { background: #fff; color: #0b4f8a; }
  button:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
  .status { padding: 0.75rem 1rem; border-left: 4px solid #1d6b2f; background: #eef6ef; }
  .problem { border-left-color: #a11d1d; background: #fbeeee; }
  .small { font-size: 1rem; color: #3d3d3d; }
  @media (max-width: 40rem) { main { margin: 0; border: 0; border-radius: 0; } }`

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escape(title)} · Vantage</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
}

export interface PageMeeting {
  kind: string
  status: string
  startsAt: string
  endsAt: string
}

export interface PageLink {
  meeting: PageMeeting
  party: 'student' | 'host'
  outcome: 'happened' | 'no_show' | null
  answeredAt: string | null
}

const KIND_NAMES: Record<string, string> = { informational_interview: 'informational interview', job_shadow: 'job shadow' }

/** "Tuesday, 8 December 2026, 10:00 – 10:30" in the school's time zone (both days when it spans several). */
function when(meeting: PageMeeting, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const start = new Date(meeting.startsAt)
  const end = new Date(meeting.endsAt)
  const sameDay = day.format(start) === day.format(end)
  return sameDay
    ? `${day.format(start)}, ${time.format(start)} – ${time.format(end)}`
    : `${day.format(start)}, ${time.format(start)} – ${day.format(end)}, ${time.format(end)}`
}

function answerText(outcome: 'happened' | 'no_show', party: 'student' | 'host'): string {
  return outcome === 'happened' ? 'the meeting took place' : `${party === 'student' ? 'the host' : 'the student'} did not come`
}

/** The link's page: the question with its two buttons, or the answer once given (`justAnswered` after the form post). */
export function confirmationPage(link: PageLink, school: { name: string; timeZone: string }, action: string, justAnswered = false): string {
  const kind = KIND_NAMES[link.meeting.kind] ?? link.meeting.kind
  const other = link.party === 'student' ? 'the host' : 'the student'
  const about = `<p>Your ${escape(kind)} through ${escape(school.name)} on ${escape(when(link.meeting, school.timeZone))} (${escape(school.timeZone)} time).</p>`
  if (link.outcome) {
    const recorded = justAnswered ? 'Thank you. Your answer is recorded' : 'You have answered'
    return document('Meeting confirmed', `<h1>Thank you</h1>
${about}
<p class="status" role="status">${recorded}: ${escape(answerText(link.outcome, link.party))}.</p>
<p class="small">An answer is given once. If it is wrong, tell your career office.</p>`)
  }
  return document('Did your meeting take place?', `<h1>Did your meeting take place?</h1>
${about}
<form method="post" action="${escape(action)}">
<fieldset>
<legend>Your answer</legend>
<button type="submit" name="outcome" value="happened">Yes, it took place</button>
<button type="submit" name="outcome" value="no_show" class="secondary">No, ${escape(other)} did not come</button>
</fieldset>
</form>
<p class="small">Your answer helps your school keep meetings reliable for students and hosts. It is recorded once.</p>`)
}

/** A refusal as a page: an expired or unknown link, an answer already given, a request not understood. */
export function problemPage(status: number, detail: string): string {
  const title = status === 404 ? 'This link does not work' : status === 409 ? 'Already answered' : status === 429 ? 'Too many tries' : status >= 500 ? 'Something went wrong' : 'This request is not valid'
  return document(title, `<h1>${escape(title)}</h1>
<p class="status problem" role="alert">${escape(detail)}</p>
<p class="small">If you need help, contact your career office.</p>`)
}
