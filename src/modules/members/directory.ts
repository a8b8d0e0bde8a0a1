// What hosts and other students may see of a student: their directory information, as the student's
// choices and their school's FERPA record allow. A student who opted out of directory information
// (FERPA §99.37, provisioned by the portal from the registrar) shows nothing but an id; otherwise
// each field is shown or hidden by the student's own sharing choice. School officials (advisors and
// school admins) and the student themselves see everything. Every surface that shows a student to
// someone else goes through `studentAsSeenBy`, and test/directory-sharing.test.ts walks every
// route a host or another student can call to prove a hidden field never leaves.
import type { Principal } from '../../infra/auth/principal.js'
import { can } from '../../infra/auth/policy.js'
import { displayName } from '../members/display.js'

export const SHARED_FIELDS = ['name', 'major', 'graduationYear', 'fieldsOfInterest', 'backgroundTags'] as const
export type SharedField = (typeof SHARED_FIELDS)[number]
export type Sharing = Record<SharedField, boolean>

export interface DirectoryRow {
  id: string
  givenName: string | null
  familyName: string | null
  major: string | null
  graduationYear: number | null
  fieldsOfInterest: string[]
  backgroundTags: string[]
  directoryOptOut: boolean
  shareName: boolean
  shareMajor: boolean
  shareGraduationYear: boolean
  shareFieldsOfInterest: boolean
  shareBackgroundTags: boolean
}

/** Each shared field and the column that holds the member's choice for it. */
export const SHARING_COLUMNS = {
  name: 'shareName',
  major: 'shareMajor',
  graduationYear: 'shareGraduationYear',
  fieldsOfInterest: 'shareFieldsOfInterest',
  backgroundTags: 'shareBackgroundTags',
} as const satisfies Record<SharedField, keyof DirectoryRow>

/** The columns of the choices and the opt-out, for a Prisma select. */
export const SHARING_SELECT = {
  id: true,
  directoryOptOut: true,
  shareName: true,
  shareMajor: true,
  shareGraduationYear: true,
  shareFieldsOfInterest: true,
  shareBackgroundTags: true,
} as const

/** The columns `studentAsSeenBy` reads, for a Prisma select. */
export const DIRECTORY_SELECT = {
  ...SHARING_SELECT,
  givenName: true,
  familyName: true,
  major: true,
  graduationYear: true,
  fieldsOfInterest: true,
  backgroundTags: true,
} as const

export type SharingRow = Pick<DirectoryRow, 'directoryOptOut' | (typeof SHARING_COLUMNS)[SharedField]>

/** The student's own choices, as stored (the opt-out is applied by `shownToOthers`). */
export function sharingOf(row: SharingRow): Sharing {
  return Object.fromEntries(SHARED_FIELDS.map((field) => [field, row[SHARING_COLUMNS[field]]])) as Sharing
}

/** What hosts and other students are shown: nothing under a directory opt-out, else the choices. */
export function shownToOthers(row: SharingRow): Sharing {
  const sharing = sharingOf(row)
  if (row.directoryOptOut) for (const field of SHARED_FIELDS) sharing[field] = false
  return sharing
}

/** Whether the viewer sees the student whole: school officials and the student themselves. */
export function seesWhole(viewer: Principal, studentId: string): boolean {
  return can(viewer, 'students:read-all') || viewer.memberId === studentId
}

/** The student as the viewer may see them: hidden fields are null or empty, never the value. */
export function studentAsSeenBy(row: DirectoryRow, viewer: Principal) {
  const shown = seesWhole(viewer, row.id) ? null : shownToOthers(row)
  return {
    id: row.id,
    name: !shown || shown.name ? displayName(row) : null,
    major: !shown || shown.major ? row.major : null,
    graduationYear: !shown || shown.graduationYear ? row.graduationYear : null,
    fieldsOfInterest: !shown || shown.fieldsOfInterest ? row.fieldsOfInterest : [],
    backgroundTags: !shown || shown.backgroundTags ? row.backgroundTags : [],
  }
}

/**
 * A match's reasons as the viewer may see them. The reasons are written to the student ("a field you
 * are exploring", "shares your background"); shown to a host they would disclose the student's
 * fields and background, so they are left out where the student does not share those.
 */
export function reasonsAsSeenBy<R extends { code: string }>(reasons: R[], row: DirectoryRow, viewer: Principal): R[] {
  if (seesWhole(viewer, row.id)) return reasons
  const shown = shownToOthers(row)
  return reasons.filter((reason) => (reason.code !== 'shared_field' || shown.fieldsOfInterest) && (reason.code !== 'shared_background' || shown.backgroundTags))
}
