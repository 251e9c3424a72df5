export {
  Organization, Recipient, Service, StaffUser, Membership, ORGS_ENTITIES,
  ORG_CATEGORIES, PAYMENT_METHODS, COMMISSION_MODES, SERVICE_KINDS, STAFF_ROLES,
} from './orgs.entity.ts';
export type {
  OrgCategory, PaymentMethod, CommissionMode, CommissionRule, CommissionSettings, ServiceKind, StaffRole,
  OrganizationRow, RecipientRow, ServiceRow, StaffUserRow, MembershipRow,
} from './orgs.entity.ts';
export { makeOrgsService } from './orgs.service.ts';
export type { OrgsService } from './orgs.service.ts';
export type { StaffUserInput, StaffMember } from './staff-users.service.ts';
export type { ProfileInput } from './organization-input.calc.ts';
export { insertOrganization, insertRecipient, insertService } from './orgs.tx.ts';
export type { RecipientInput, ServiceInput } from './orgs.tx.ts';
export { validateOrganization, validateRequisites, validateProfile, validateCommissionRule, DEFAULT_COMMISSION } from './organization-input.calc.ts';
export type { FieldErrors, OrganizationInput, RequisitesInput } from './organization-input.calc.ts';
export {
  validateInn, validateKpp, validateOgrn, validateBik, validateSettlementAccount, validateCorrAccount, withControlKey,
} from './requisites.calc.ts';
export { hashPassword, verifyPassword, dummyPasswordHash, MIN_PASSWORD_LENGTH } from './password.ts';
export { ApiKey } from './api-keys.entity.ts';
export type { ApiKeyRow } from './api-keys.entity.ts';
export { createApiKey, listApiKeys, revokeApiKey, authenticateApiKey } from './api-keys.ts';
export type { ApiKeyInfo, CreatedApiKey, ApiKeyPrincipal } from './api-keys.ts';
