export { StaffSession, LoginAttempt, PasswordToken, STAFF_ENTITIES, TOKEN_PURPOSES } from './staff.entity.ts';
export type { StaffSessionRow, PasswordTokenRow, TokenPurpose } from './staff.entity.ts';
export { makeStaffAuthService, LIMITS } from './staff-auth.service.ts';
export type { StaffAuthService, StaffContext, SignedIn } from './staff-auth.service.ts';
export type { StaffOrg } from './staff.repo.ts';
export { hashToken } from './tokens.ts';
