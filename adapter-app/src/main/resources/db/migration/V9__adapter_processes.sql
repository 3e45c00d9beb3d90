-- The adapter processes sharing this database (replicas, or one adapter and its restarts), each with a
-- heartbeat: a sync run belongs to the process that started it, and a run whose process stopped
-- beating was cut off (the process died) and is failed, by whichever process notices first.
create table adapter_process (
    id         uuid primary key,
    started_at timestamptz not null,
    seen_at    timestamptz not null
);
alter table sync_run add column owner uuid;
