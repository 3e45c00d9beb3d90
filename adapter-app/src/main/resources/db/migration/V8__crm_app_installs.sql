-- A CRM application installed for a connection (the Bitrix24 local application behind the dashboard
-- placements): which portal installed it and the application's own OAuth tokens. The tokens are
-- sealed with AES-256-GCM under adapter.security.encryption-key (SecretBox): a copy of the database
-- does not give access to the portal. member_id is learnt at the first install and then fixed: an
-- install or a placement call from another portal is refused.
create table crm_app_install (
    connection     text        primary key,
    crm            text        not null,
    domain         text        not null,
    member_id      text        not null,
    access_token   text        not null,
    refresh_token  text        not null,
    expires_at     timestamptz not null,
    installed_at   timestamptz not null,
    updated_at     timestamptz not null
);
