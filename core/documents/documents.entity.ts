import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Organization } from '../orgs/orgs.entity.ts';

export const DOCUMENT_KINDS = ['statement', 'attachment'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Small files of conversations: PDF statements we send, photos and scans residents send (≤ 10 MB each). */
export const DocumentFile = defineEntity({
  name: 'DocumentFile',
  tableName: 'document_files',
  properties: (p) => ({
    id: p.uuid().primary().onCreate(() => randomUUID()),
    org: () => p.manyToOne(Organization).mapToPk().index(),
    kind: p.enum([...DOCUMENT_KINDS]),
    name: p.string().length(200),
    mime: p.string().length(100),
    size: p.integer(),
    sha256: p.string().length(64),
    data: p.blob(),
    createdAt: p.datetime(),
  }),
});
export type DocumentFileRow = InferEntity<typeof DocumentFile>;

export const DOCUMENTS_ENTITIES = [DocumentFile];
