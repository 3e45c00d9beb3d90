-- Which adapter process stored CRM records, in order. Every replica's KPI snapshot follows the store:
-- it applies its own pages as it stores them, and reloads from the store when it sees a change
-- another process made (a change-sequence poll). Rows older than an hour are purged.
create table store_change (
    seq        bigint generated always as identity primary key,
    writer     uuid        not null,
    connection text        not null,
    stored_at  timestamptz not null
);
create index store_change_stored_at on store_change (stored_at);
