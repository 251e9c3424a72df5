import type { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS } from '../../../migrations/index.ts';
import { ORGS_ENTITIES } from '../../orgs/orgs.entity.ts';
import { ACCOUNTS_ENTITIES } from '../../accounts/accounts.entity.ts';
import { AppliedEffect, OutboxMessage } from '../outbox/outbox.entity.ts';
import { STAFF_ENTITIES } from '../../staff/staff.entity.ts';
import { AuditEntry } from '../../audit/audit.entity.ts';
import { FILE_STORE_ENTITIES } from '../../registries/file-store.entity.ts';
import { REGISTRY_ENTITIES } from '../../registries/registry.entity.ts';
import { BILLING_ENTITIES } from '../../billing/billing.entity.ts';
import { PAYMENTS_ENTITIES } from '../../payments/payments.entity.ts';
import { LEDGER_ENTITIES } from '../../payments/ledger.entity.ts';
import { ApiKey } from '../../orgs/api-keys.entity.ts';
import { CONVERSATIONS_ENTITIES } from '../../conversations/conversations.entity.ts';
import { APPEALS_ENTITIES } from '../../appeals/appeals.entity.ts';
import { ROUTING_ENTITIES } from '../../appeals/routing.entity.ts';
import { DOCUMENTS_ENTITIES } from '../../documents/documents.entity.ts';

/** Every entity of every module: the schema the migrations must match (schema-diff test). */
export const ALL_ENTITIES = [...ORGS_ENTITIES, ...ACCOUNTS_ENTITIES, ...STAFF_ENTITIES, AuditEntry, OutboxMessage, AppliedEffect,
  ...FILE_STORE_ENTITIES, ...REGISTRY_ENTITIES, ...BILLING_ENTITIES, ApiKey,
  ...PAYMENTS_ENTITIES, ...LEDGER_ENTITIES, ...CONVERSATIONS_ENTITIES, ...APPEALS_ENTITIES, ...ROUTING_ENTITIES, ...DOCUMENTS_ENTITIES];

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** Options shared by both drivers. Migrations are listed statically, so no runtime import of .ts files (G8). */
export function baseOrmOptions(): Options {
  return {
    entities: ALL_ENTITIES,
    extensions: [Migrator],
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      emit: 'ts',
      snapshot: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
      migrationsList: MIGRATIONS,
    },
    discovery: { warnWhenNoEntities: true },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    debug: false,
  };
}
