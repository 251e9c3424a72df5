import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Organization, StaffUser } from '../orgs/orgs.entity.ts';

/**
 * Server-side staff sessions (RELIABILITY.md A4). The id is the SHA-256 of the cookie's token, so a leaked
 * table cannot be replayed as cookies. Platform table: a session spans the organisations its user works for.
 */
export const StaffSession = defineEntity({
  name: 'StaffSession',
  tableName: 'staff_sessions',
  properties: (p) => ({
    id: p.string().length(64).primary(),
    user: () => p.manyToOne(StaffUser).mapToPk().index(),
    /** The organisation the user is working in now; they pick it among their memberships. */
    org: () => p.manyToOne(Organization).mapToPk().nullable(),
    createdAt: p.datetime(),
    lastSeenAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    ip: p.string().length(45).nullable(),
    userAgent: p.string().length(200).nullable(),
  }),
});
export type StaffSessionRow = InferEntity<typeof StaffSession>;

/** Every sign-in try, for the per-account and per-IP limits (A3). The e-mail is kept only as a keyed hash. */
export const LoginAttempt = defineEntity({
  name: 'LoginAttempt',
  tableName: 'login_attempts',
  indexes: [{ properties: ['emailKey', 'at'] }, { properties: ['ip', 'at'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    emailKey: p.string().length(64),
    ip: p.string().length(45),
    success: p.boolean(),
    at: p.datetime(),
  }),
});

export const TOKEN_PURPOSES = ['reset', 'invite'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** One-time links to set a password: a reset, or the invitation of a new staff member. */
export const PasswordToken = defineEntity({
  name: 'PasswordToken',
  tableName: 'password_tokens',
  properties: (p) => ({
    id: p.string().length(64).primary(),
    user: () => p.manyToOne(StaffUser).mapToPk().index(),
    purpose: p.enum([...TOKEN_PURPOSES]),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  }),
});
export type PasswordTokenRow = InferEntity<typeof PasswordToken>;

export const STAFF_ENTITIES = [StaffSession, LoginAttempt, PasswordToken];
