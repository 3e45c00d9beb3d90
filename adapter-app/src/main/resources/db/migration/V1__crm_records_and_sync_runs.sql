-- CRM records, one row per record and connection; ids are the CRM's own, scoped by connection.

create table rep (
    connection text    not null,
    id         text    not null,
    name       text    not null,
    email      text,
    active     boolean not null,
    team       text,
    primary key (connection, id)
);

create table pipeline (
    connection text not null,
    id         text not null,
    name       text not null,
    primary key (connection, id)
);

create table stage (
    connection  text    not null,
    pipeline    text    not null,
    id          text    not null,
    name        text    not null,
    sort        numeric not null,
    semantic    text    not null check (semantic in ('OPEN', 'WON', 'LOST')),
    probability numeric,
    primary key (connection, pipeline, id)
);

create table deal (
    connection      text        not null,
    id              text        not null,
    title           text,
    pipeline        text        not null,
    stage           text        not null,
    status          text        not null check (status in ('OPEN', 'WON', 'LOST')),
    amount          numeric,
    currency        text        not null,
    owner           text,
    created_at      timestamptz not null,
    closed_at       timestamptz,
    expected_close  date,
    dimensions      jsonb       not null default '{}',
    lines           jsonb       not null default '[]',
    crm_probability numeric,
    deleted         boolean     not null default false,
    updated_at      timestamptz,
    primary key (connection, id)
);

create table stage_transition (
    connection text        not null,
    id         text        not null,
    deal       text        not null,
    stage      text        not null,
    entered_at timestamptz not null,
    primary key (connection, id)
);
create index stage_transition_by_deal on stage_transition (connection, deal, entered_at);

create table activity (
    connection   text        not null,
    id           text        not null,
    type         text        not null check (type in ('CALL', 'MEETING', 'EMAIL', 'TASK', 'OTHER')),
    owner        text,
    deal         text,
    created_at   timestamptz not null,
    due_at       timestamptz,
    completed_at timestamptz,
    deleted      boolean     not null default false,
    primary key (connection, id)
);
create index activity_by_deal on activity (connection, deal);

-- Where each connection's incremental sync stands: the connector's opaque cursor.
create table connection_cursor (
    connection text        primary key,
    cursor     text        not null,
    updated_at timestamptz not null
);

create table sync_run (
    id            bigint generated always as identity primary key,
    connection    text        not null,
    mode          text        not null check (mode in ('FULL', 'INCREMENTAL')),
    status        text        not null check (status in ('RUNNING', 'SUCCEEDED', 'FAILED')),
    started_at    timestamptz not null,
    finished_at   timestamptz,
    deals         integer     not null default 0,
    activities    integer     not null default 0,
    error         text,
    warning_count integer     not null default 0,
    warnings      jsonb       not null default '[]'
);
-- one run at a time per connection, even across replicas
create unique index sync_run_one_running on sync_run (connection) where status = 'RUNNING';
create index sync_run_latest on sync_run (connection, id desc);
