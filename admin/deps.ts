import type { AccountsService } from '../core/accounts/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import type { Logger } from '../core/infra/logger/logger.ts';
import type { Mailer } from '../core/infra/mail/mailer.ts';
import type { OrgsService } from '../core/orgs/index.ts';
import type { PaymentsService } from '../core/payments/index.ts';
import type { RegistriesService } from '../core/registries/index.ts';
import type { Clock } from '../core/shared/index.ts';
import type { StaffAuthService } from '../core/staff/index.ts';
import type { SessionDeps } from './session.ts';

export type AdminDeps = SessionDeps & {
  readonly db: Database;
  readonly clock: Clock;
  readonly orgs: OrgsService;
  readonly accounts: AccountsService;
  /** Registry imports; without it (tests of other pages) the registry pages are not mounted. */
  readonly registries?: RegistriesService;
  /** Refunds from the payment card; without it (tests of other pages) payments can be read but not refunded. */
  readonly payments?: PaymentsService;
  readonly auth: StaffAuthService;
  readonly mailer: Mailer;
  readonly publicUrl: string;
  readonly logger: Logger;
};

/** The deps of the registry pages, which need the registries service. */
export type RegistriesAdminDeps = AdminDeps & { readonly registries: RegistriesService };
