// Who may read reports: advisors and school admins of the school, and integration clients holding
// reports:read (policy.ts). Students and alumni never see reports (they are about other students).
import { can } from '../../infra/auth/policy.js'
import type { Principal } from '../../infra/auth/principal.js'

export const mayReadReports = (principal: Principal) => can(principal, 'reports:read')
