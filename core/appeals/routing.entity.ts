import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization, StaffUser } from '../orgs/orgs.entity.ts';
import { APPEAL_TYPES, SLA_MODES } from './appeals.entity.ts';

/** A group of staff who answer one kind of appeal (dispatchers, accountants, engineers); its lead hears of breaches. */
export const Team = defineEntity({
  name: 'Team',
  tableName: 'teams',
  uniques: [{ properties: ['org', 'name'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk(),
    name: p.string().length(120),
    lead: () => p.manyToOne(StaffUser).mapToPk().nullable(),
    createdAt: p.datetime(),
  }),
});
export type TeamRow = InferEntity<typeof Team>;

/** A member of a team; only members on duty get appeals automatically. */
export const TeamMember = defineEntity({
  name: 'TeamMember',
  tableName: 'team_members',
  properties: (p) => ({
    team: () => p.manyToOne(Team).mapToPk().primary(),
    user: () => p.manyToOne(StaffUser).mapToPk().primary().index(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    onDuty: p.boolean().default(true),
  }),
});

/**
 * Where an appeal goes: the first rule by position whose type, category and building match (null matches any).
 * A rule with auto-assignment gives the appeal to the least loaded member on duty.
 */
export const RoutingRule = defineEntity({
  name: 'RoutingRule',
  tableName: 'routing_rules',
  indexes: [{ properties: ['org', 'position'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    position: p.integer(),
    type: p.enum([...APPEAL_TYPES]).nullable(),
    category: p.string().length(32).nullable(),
    buildingId: p.uuid().nullable(),
    team: () => p.manyToOne(Team).mapToPk(),
    autoAssign: p.boolean().default(true),
  }),
});
export type RoutingRuleRow = InferEntity<typeof RoutingRule>;

/**
 * An organisation's targets for a type of appeal (category '' = every category of the type). Without a row the
 * defaults of sla-policy.ts apply; saving a policy in admin writes a row.
 */
export const SlaPolicy = defineEntity({
  name: 'SlaPolicy',
  tableName: 'sla_policies',
  uniques: [{ properties: ['org', 'type', 'category'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    type: p.enum([...APPEAL_TYPES]),
    category: p.string().length(32).default(''),
    mode: p.enum([...SLA_MODES]),
    responseMin: p.integer().nullable(),
    resolutionMin: p.integer().nullable(),
    updatedAt: p.datetime(),
  }),
});
export type SlaPolicyRow = InferEntity<typeof SlaPolicy>;

/**
 * Appeal settings of an organisation: working hours (minutes from local midnight per weekday, Monday first; null =
 * Mon–Fri 09:00–18:00), the dispatcher group chat that hears of emergencies nobody took, and when answered
 * appeals close by themselves.
 */
export const AppealSettings = defineEntity({
  name: 'AppealSettings',
  tableName: 'appeal_settings',
  properties: (p) => ({
    org: () => p.manyToOne(Organization).mapToPk().primary(),
    workingWeek: p.json<([number, number] | null)[]>().nullable(),
    dispatcherConnectionId: p.uuid().nullable(),
    dispatcherChatId: p.string().length(64).nullable(),
    autoCloseDays: p.smallint().default(7),
    updatedAt: p.datetime(),
  }),
});

export const CALENDAR_DAY_KINDS = ['holiday', 'working', 'short', 'ordinary'] as const;
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

/** An organisation's change to the seeded Russian calendar: a day off, a working day, a short day, or back to ordinary. */
export const CalendarDay = defineEntity({
  name: 'CalendarDay',
  tableName: 'calendar_days',
  properties: (p) => ({
    org: () => p.manyToOne(Organization).mapToPk().primary().createForeignKeyConstraint(false),
    date: p.string().length(10).primary(),
    kind: p.enum([...CALENDAR_DAY_KINDS]),
    updatedAt: p.datetime(),
  }),
});

/** Ready answers staff pick from when replying. */
export const CannedAnswer = defineEntity({
  name: 'CannedAnswer',
  tableName: 'canned_answers',
  uniques: [{ properties: ['org', 'title'] }],
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk(),
    title: p.string().length(120),
    text: p.text(),
    createdAt: p.datetime(),
  }),
});

export const NOTIFICATION_KINDS = ['assigned', 'at_risk', 'breached', 'emergency', 'undelivered'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What a staff member is told in admin (and by e-mail): an appeal given to them, at risk, breached. */
export const StaffNotification = defineEntity({
  name: 'StaffNotification',
  tableName: 'staff_notifications',
  indexes: [{ properties: ['user', 'readAt'] }],
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    org: () => p.manyToOne(Organization).mapToPk().createForeignKeyConstraint(false),
    user: () => p.manyToOne(StaffUser).mapToPk(),
    appealId: p.uuid(),
    kind: p.enum([...NOTIFICATION_KINDS]),
    createdAt: p.datetime(),
    readAt: p.datetime().nullable(),
  }),
});

export const ROUTING_ENTITIES = [Team, TeamMember, RoutingRule, SlaPolicy, AppealSettings, CalendarDay, CannedAnswer, StaffNotification];
