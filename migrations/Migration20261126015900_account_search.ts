import { Migration } from '@mikro-orm/migrations';

/**
 * Staff search candidates. Under row-level security PostgreSQL may not evaluate LIKE (not leakproof) inside an
 * index scan, so the trigram and prefix indexes would go unused and every search would read the whole table.
 * This function runs as the owner and applies the tenant itself — the transaction's fp_current_org(), never an
 * argument — so it sees exactly what the policies allow, through the indexes.
 */
export class Migration20261126015900_account_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function fp_account_search(p_prefix text, p_contains text, p_address_words text[]) returns table (id uuid)
      language sql stable security definer set search_path = public as $$
        select a.id from accounts a where a.org_id = fp_current_org() and a.number like p_prefix
        union select a.id from accounts a where a.org_id = fp_current_org() and lower(a.payer_name) like p_contains
        union select a.id from buildings b join premises p on p.building_id = b.id join accounts a on a.premise_id = p.id
          where b.org_id = fp_current_org() and a.org_id = fp_current_org() and b.address_key like all (p_address_words)
      $$;`);
    this.addSql(`revoke all on function fp_account_search(text, text, text[]) from public;`);
    this.addSql(`grant execute on function fp_account_search(text, text, text[]) to familypay_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists fp_account_search(text, text, text[]);`);
  }
}
