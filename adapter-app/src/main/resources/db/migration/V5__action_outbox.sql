-- The action outbox: what the rules want pushed into the CRMs, stored before anything is sent.
-- An action is never sent twice: its dedupe key is unique per connection (a rule proposing the same
-- action again is skipped), and the key travels with the write so that the CRM finds it after an
-- uncertain failure. Life of an action: PENDING (claimed by a dispatcher until lease_until while it is
-- being sent) -> SENT with the CRM's id, or -> FAILED when the CRM refused it for good (retry via the API).
-- A CRM that is down or limiting keeps the action PENDING, retried at next_attempt_at: none is dropped.
create table action (
    id              bigint generated always as identity primary key,
    rule            text        not null,
    kind            text        not null check (kind in ('TASK', 'NOTIFY', 'COMMENT')),
    connection      text        not null,
    target          text        not null,
    deal_id         text,
    dedupe_key      text        not null,
    title           text        not null,
    body            text        not null,
    deadline        timestamptz,
    status          text        not null check (status in ('PENDING', 'SENT', 'FAILED')),
    crm_id          text,
    attempts        integer     not null default 0,
    last_error      text,
    next_attempt_at timestamptz not null,
    claim_token     uuid,
    lease_until     timestamptz,
    created_at      timestamptz not null,
    sent_at         timestamptz,
    unique (connection, dedupe_key)
);
-- the dispatchers' queue: only pending actions are indexed
create index action_pending on action (next_attempt_at, id) where status = 'PENDING';
-- the API's listing by status, newest first
create index action_by_status on action (status, id desc);
-- echo suppression: what the adapter itself created in a CRM
create index action_by_crm_id on action (connection, crm_id) where crm_id is not null;
