import { randomUUID } from 'node:crypto';
import type { Em } from '../infra/database/database.ts';
import { AppError, err, ok, type Result, isEmail } from '../shared/index.ts';
import {
  AccountLink, CHANNELS, Contact, Identity, Person,
  type AccountLinkRow, type Channel, type ContactKind, type ContactRow, type IdentityRow, type LinkProof, type LinkRelation, type PersonRow,
} from './accounts.entity.ts';
import { normalisePhone } from './phone.calc.ts';
import { accountsRepo } from './accounts.repo.ts';

export type FieldErrors = readonly AppError[];
export type ContactInput = {
  readonly kind: ContactKind;
  readonly value: string;
  readonly consentService?: boolean;
  readonly consentMarketing?: boolean;
  /** Where consent was given: 'bot:telegram', 'import', 'staff', 'payment-page'… */
  readonly consentSource?: string;
};
export type IdentityInput = { readonly channel: string; readonly externalId: string; readonly phone?: string | null; readonly consentNotifications?: boolean };


export function addPerson(em: Em, orgId: string, fullName: string | null, locale: 'ru' | 'en' = 'ru'): PersonRow {
  return em.create(Person, { id: randomUUID(), org: orgId, fullName: fullName?.trim() || null, locale });
}

const findPerson = (em: Em, orgId: string, id: string) => em.findOne(Person, { org: orgId, id });

function normaliseContact(input: ContactInput): Result<string, AppError> {
  if (input.kind === 'phone') return normalisePhone(input.value);
  const email = input.value.trim().toLowerCase();
  return isEmail(email) ? ok(email) : err(new AppError('ACCOUNTS.EMAIL_INVALID', { field: 'email' }));
}

/**
 * Only the consents the caller states change: a re-import without consent columns must not erase what a
 * resident agreed to in the bot. Each statement is stamped with the time and its source (152-ФЗ asks who and when).
 */
function consentChanges(input: ContactInput, now: Date): Partial<Pick<ContactRow, 'consentService' | 'consentMarketing' | 'consentAt' | 'consentSource'>> {
  const stated = {
    ...(input.consentService === undefined ? {} : { consentService: input.consentService }),
    ...(input.consentMarketing === undefined ? {} : { consentMarketing: input.consentMarketing }),
  };
  if (Object.keys(stated).length === 0) return {};
  return { ...stated, consentAt: now, consentSource: input.consentSource ?? null };
}

/** Adds or updates a contact of a person. */
export async function upsertContact(em: Em, orgId: string, personId: string, input: ContactInput, now: Date): Promise<Result<ContactRow, FieldErrors>> {
  const value = normaliseContact(input);
  if (!value.ok) return err([value.error]);
  if (!(await findPerson(em, orgId, personId))) return err([new AppError('ACCOUNTS.PERSON_NOT_FOUND', { field: 'personId' })]);
  const existing = await em.findOne(Contact, { org: orgId, person: personId, kind: input.kind, value: value.value });
  const consents = consentChanges(input, now);
  if (existing) return ok(em.assign(existing, consents));
  return ok(em.create(Contact, {
    id: randomUUID(), org: orgId, person: personId, kind: input.kind, value: value.value,
    consentService: false, consentMarketing: false, consentAt: null, consentSource: null, ...consents,
  }));
}

/** A messenger identity belongs to one person per organisation; linking it again moves nothing silently. */
export async function linkIdentity(em: Em, orgId: string, personId: string, input: IdentityInput): Promise<Result<IdentityRow, FieldErrors>> {
  if (!CHANNELS.includes(input.channel as Channel)) return err([new AppError('ACCOUNTS.CHANNEL_INVALID', { field: 'channel' })]);
  const externalId = input.externalId.trim();
  if (!externalId || externalId.length > 128) return err([new AppError('ACCOUNTS.EXTERNAL_ID_INVALID', { field: 'externalId' })]);
  const phone = input.phone ? normalisePhone(input.phone) : ok(null);
  if (!phone.ok) return err([phone.error]);
  if (!(await findPerson(em, orgId, personId))) return err([new AppError('ACCOUNTS.PERSON_NOT_FOUND', { field: 'personId' })]);
  const channel = input.channel as Channel;
  const existing = await em.findOne(Identity, { org: orgId, channel, externalId });
  if (existing && existing.person !== personId) {
    // Moving a messenger account to another person is a decision (the bot's re-linking), never a side effect.
    return err([new AppError('ACCOUNTS.IDENTITY_LINKED_ELSEWHERE', { field: 'externalId' })]);
  }
  if (existing) return ok(em.assign(existing, { phone: phone.value ?? existing.phone, consentNotifications: input.consentNotifications ?? existing.consentNotifications }));
  return ok(em.create(Identity, {
    id: randomUUID(), org: orgId, person: personId, channel, externalId, phone: phone.value, consentNotifications: input.consentNotifications ?? false,
  }));
}

export async function linkAccount(
  em: Em, orgId: string, link: { accountId: string; personId: string; relation?: LinkRelation; proof: LinkProof },
): Promise<Result<AccountLinkRow, FieldErrors>> {
  if (!(await accountsRepo.findAccount(em, orgId, link.accountId))) return err([new AppError('ACCOUNTS.NOT_FOUND', { field: 'accountId' })]);
  if (!(await findPerson(em, orgId, link.personId))) return err([new AppError('ACCOUNTS.PERSON_NOT_FOUND', { field: 'personId' })]);
  const existing = await em.findOne(AccountLink, { org: orgId, account: link.accountId, person: link.personId });
  if (existing) return ok(existing);
  return ok(em.create(AccountLink, {
    id: randomUUID(), org: orgId, account: link.accountId, person: link.personId, relation: link.relation ?? 'payer', proof: link.proof,
  }));
}
