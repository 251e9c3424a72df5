import type { Database, Em } from '../infra/database/database.ts';
import { tenantStep } from '../infra/database/tenant-step.ts';
import type { AppError, Result } from '../shared/index.ts';
import type { FieldErrors } from './organization-input.calc.ts';

export const one = (e: AppError): FieldErrors => [e];

/** Runs a step in the tenant's transaction; a unique key refusing the commit becomes `duplicate` for the user. */
export const inTenant = <T>(db: Database, orgId: string, step: (em: Em) => Result<T, FieldErrors> | Promise<Result<T, FieldErrors>>, duplicate?: AppError) =>
  tenantStep(db, orgId, step, duplicate ? () => one(duplicate) : undefined);
