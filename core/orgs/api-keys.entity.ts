import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Organization } from './orgs.entity.ts';

/**
 * A key a customer's system uses for our REST API. Only a SHA-256 of the secret is kept (the key is 256 random
 * bits, so a plain hash is as strong as it needs to be); the prefix finds the row and is shown to staff. A
 * platform table: the request names no organisation until its key is found.
 */
export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: (p) => ({
    id: p.uuid().primary(),
    org: () => p.manyToOne(Organization).mapToPk().index(),
    name: p.string().length(100),
    prefix: p.string().length(16).unique(),
    secretHash: p.string().length(64).hidden(),
    scopes: p.string().length(100).default('registries'),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  }),
});
export type ApiKeyRow = InferEntity<typeof ApiKey>;
