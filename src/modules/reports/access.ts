// Who may read reports: advisors and school admins of the school, and integration clients holding
// reports:read. Students and alumni never see reports (they are about other students).
import { type Access, isAllowed, type Principal } from '../../infra/auth/principal.js'

export const reportReaders: Access = { roles: ['advisor', 'school_admin'], scopes: ['reports:read'] }

export const mayReadReports = (principal: Principal) => isAllowed(principal, reportReaders)
