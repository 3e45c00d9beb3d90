-- The webhook inbox: CRM callbacks stored before they are acknowledged, then processed once.

-- Each callback as it arrived (headers and body), kept for inspection and as the source of its events.
-- A request the connector verified but could not parse is kept too (status MALFORMED, with what is wrong).
create table webhook_request (
    id          bigint generated always as identity primary key,
    connection  text        not null,
    method      text        not null,
    url         text        not null,
    headers     jsonb       not null,
    body        bytea       not null,
    received_at timestamptz not null,
    status      text        not null check (status in ('ACCEPTED', 'MALFORMED')),
    error       text
);

-- One row per event (a change of one record), de-duplicated by the CRM's event id per connection, and
-- one MALFORMED row per request that could not be parsed (no event id: NULLs never collide).
-- Life of an event: RECEIVED -> PROCESSING (claimed by a worker until lease_until) -> PROCESSED,
-- or -> FAILED (retried at next_attempt_at) -> ... -> DEAD after adapter.webhooks.max-attempts.
create table webhook_inbox (
    id              bigint generated always as identity primary key,
    connection      text        not null,
    event_id        text,
    change          text check (change in ('CHANGED', 'DELETED')),
    kind            text check (kind in ('DEAL', 'ACTIVITY', 'STAGE_TRANSITION')),
    record_id       text,
    occurred_at     timestamptz,
    received_at     timestamptz not null,
    status          text        not null
        check (status in ('RECEIVED', 'PROCESSING', 'PROCESSED', 'FAILED', 'DEAD', 'MALFORMED')),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz,
    claim_token     uuid,
    claimed_at      timestamptz,
    lease_until     timestamptz,
    processed_at    timestamptz,
    last_error      text,
    request_id      bigint      not null references webhook_request (id),
    check (status = 'MALFORMED' or (event_id is not null and change is not null and kind is not null and record_id is not null)),
    unique (connection, event_id)
);
-- the workers' queue: only open entries are indexed
create index webhook_inbox_open on webhook_inbox (id) where status in ('RECEIVED', 'PROCESSING', 'FAILED');
-- coalescing: the open entries of one record
create index webhook_inbox_open_by_record on webhook_inbox (connection, kind, record_id)
    where status in ('RECEIVED', 'PROCESSING', 'FAILED');
-- the oldest waiting entry (a gauge)
create index webhook_inbox_waiting_since on webhook_inbox (received_at) where status = 'RECEIVED';
-- the API's listing by status, newest first
create index webhook_inbox_by_status on webhook_inbox (status, id desc);
create index webhook_inbox_by_request on webhook_inbox (request_id);
