import { Migration } from '@mikro-orm/migrations';

const APPEND_ONLY = ['stored_files', 'stored_file_chunks', 'file_chain'];

/**
 * The immutable file store (ARCHITECTURE.md «Data», RELIABILITY.md M4 and R4). Files and their chunks are tenant
 * rows under row-level security. The chain is walked across organisations by `familypay verify`, so with no tenant
 * set every link is visible; with a tenant set only that organisation's links are, so one organisation never reads
 * another's file names. The head of the chain is read through fp_file_chain_head(), which runs as the owner and
 * returns only a number and a hash, because appending happens inside the tenant's transaction.
 * All three tables are append-only: the application role keeps SELECT and INSERT, and a trigger refuses UPDATE,
 * DELETE and TRUNCATE to everyone, owner included.
 */
export class Migration20261126023005_file_store extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "file_chain" ("seq" bigint not null, "org_id" uuid not null, "sha256" varchar(64) not null, "size" bigint not null, "name" varchar(255) not null, "stored_at" timestamptz not null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null, constraint "file_chain_pkey" primary key ("seq"));`);
    this.addSql(`alter table "file_chain" add constraint "file_chain_org_id_sha256_unique" unique ("org_id", "sha256");`);

    this.addSql(`create table "stored_files" ("id" uuid not null, "org_id" uuid not null, "sha256" varchar(64) not null, "size" bigint not null, "name" varchar(255) not null, "media_type" varchar(255) not null, "created_at" timestamptz not null, constraint "stored_files_pkey" primary key ("id"));`);
    this.addSql(`alter table "stored_files" add constraint "stored_files_org_id_sha256_unique" unique ("org_id", "sha256");`);

    this.addSql(`create table "stored_file_chunks" ("file_id" uuid not null, "seq" int not null, "org_id" uuid not null, "bytes" bytea not null, constraint "stored_file_chunks_pkey" primary key ("file_id", "seq"));`);

    this.addSql(`alter table "file_chain" add constraint "file_chain_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "stored_files" add constraint "stored_files_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    this.addSql(`alter table "stored_file_chunks" add constraint "stored_file_chunks_file_id_foreign" foreign key ("file_id") references "stored_files" ("id") on update cascade deferrable initially deferred;`);
    this.addSql(`alter table "stored_file_chunks" add constraint "stored_file_chunks_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade;`);

    for (const table of ['stored_files', 'stored_file_chunks']) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy tenant_isolation on "${table}" using (org_id = fp_current_org()) with check (org_id = fp_current_org());`);
    }
    this.addSql(`alter table file_chain enable row level security;`);
    this.addSql(`create policy chain_visibility on file_chain using (fp_current_org() is null or org_id = fp_current_org())
      with check (org_id = fp_current_org());`);
    this.addSql(`create function fp_file_chain_head() returns table (seq bigint, hash varchar) language sql stable
      security definer set search_path = public as
      $$ select c.seq, c.hash from file_chain c order by c.seq desc limit 1 $$;`);
    this.addSql(`revoke all on function fp_file_chain_head() from public;`);
    this.addSql(`grant execute on function fp_file_chain_head() to familypay_app;`);

    for (const table of APPEND_ONLY) {
      this.addSql(`revoke update, delete, truncate on "${table}" from familypay_app;`);
      this.addSql(`create trigger "${table}_append_only" before update or delete on "${table}" for each row execute function fp_refuse_change();`);
      this.addSql(`create trigger "${table}_no_truncate" before truncate on "${table}" for each statement execute function fp_refuse_change();`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists fp_file_chain_head();`);
    this.addSql(`alter table "stored_file_chunks" drop constraint "stored_file_chunks_file_id_foreign";`);

    this.addSql(`drop table if exists "file_chain" cascade;`);

    this.addSql(`drop table if exists "stored_files" cascade;`);

    this.addSql(`drop table if exists "stored_file_chunks" cascade;`);
  }

}
