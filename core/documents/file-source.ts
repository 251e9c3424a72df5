import type { Database } from '../infra/database/database.ts';
import { loadDocumentFile, type StoredDocument } from './files.ts';

/**
 * Conversation files as the channel senders read them: by id alone (a queued message carries the file id). The
 * file names its organisation through an owner-rights lookup; the read itself runs in that tenant.
 */
export function makeFileSource(db: Database) {
  return {
    async load(fileId: string): Promise<StoredDocument | null> {
      const [row] = await db.read((em) => em.execute<{ org: string | null }[]>('select fp_document_file_org(?) as org', [fileId]));
      return row?.org ? db.withTenant(row.org, (em) => loadDocumentFile(em, row.org!, fileId)) : null;
    },
  };
}
export type FileSource = ReturnType<typeof makeFileSource>;
