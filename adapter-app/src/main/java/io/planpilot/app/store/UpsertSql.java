package io.planpilot.app.store;

/**
 * One upsert per table. Each reads {@code :rows} (a JSON array) and skips rows whose stored values
 * are the same ({@code is distinct from}), so unchanged data is never rewritten.
 */
final class UpsertSql {
    private UpsertSql() {
    }

    static final String REPS = """
            insert into rep as t (connection, id, name, email, active, team)
            select :connection, r.id, r.name, r.email, r.active, r.team
            from jsonb_to_recordset(cast(:rows as jsonb)) as r(id text, name text, email text, active boolean, team text)
            on conflict (connection, id) do update
               set name = excluded.name, email = excluded.email, active = excluded.active, team = excluded.team
             where (t.name, t.email, t.active, t.team) is distinct from
                   (excluded.name, excluded.email, excluded.active, excluded.team)""";

    static final String PIPELINES = """
            insert into pipeline as t (connection, id, name)
            select :connection, r.id, r.name
            from jsonb_to_recordset(cast(:rows as jsonb)) as r(id text, name text)
            on conflict (connection, id) do update set name = excluded.name
             where t.name is distinct from excluded.name""";

    static final String STAGES = """
            insert into stage as t (connection, pipeline, id, name, sort, semantic, probability)
            select :connection, r.pipeline, r.id, r.name, r.sort, r.semantic, r.probability
            from jsonb_to_recordset(cast(:rows as jsonb))
                 as r(pipeline text, id text, name text, sort numeric, semantic text, probability numeric)
            on conflict (connection, pipeline, id) do update
               set name = excluded.name, sort = excluded.sort, semantic = excluded.semantic, probability = excluded.probability
             where (t.name, t.sort, t.semantic, t.probability) is distinct from
                   (excluded.name, excluded.sort, excluded.semantic, excluded.probability)""";

    static final String DEALS = """
            insert into deal as t (connection, id, title, pipeline, stage, status, amount, currency, owner, created_at,
                                   closed_at, expected_close, dimensions, lines, crm_probability, deleted, updated_at)
            select :connection, r.id, r.title, r.pipeline, r.stage, r.status, r.amount, r.currency, r.owner, r.created_at,
                   r.closed_at, r.expected_close, coalesce(r.dimensions, '{}'), coalesce(r.lines, '[]'), r.crm_probability,
                   coalesce(r.deleted, false), r.updated_at
            from jsonb_to_recordset(cast(:rows as jsonb))
                 as r(id text, title text, pipeline text, stage text, status text, amount numeric, currency text,
                      owner text, created_at timestamptz, closed_at timestamptz, expected_close date, dimensions jsonb,
                      lines jsonb, crm_probability numeric, deleted boolean, updated_at timestamptz)
            on conflict (connection, id) do update
               set title = excluded.title, pipeline = excluded.pipeline, stage = excluded.stage, status = excluded.status,
                   amount = excluded.amount, currency = excluded.currency, owner = excluded.owner,
                   created_at = excluded.created_at, closed_at = excluded.closed_at,
                   expected_close = excluded.expected_close, dimensions = excluded.dimensions, lines = excluded.lines,
                   crm_probability = excluded.crm_probability, deleted = excluded.deleted, updated_at = excluded.updated_at
             where (t.title, t.pipeline, t.stage, t.status, t.amount, t.currency, t.owner, t.created_at, t.closed_at,
                    t.expected_close, t.dimensions, t.lines, t.crm_probability, t.deleted, t.updated_at)
                   is distinct from
                   (excluded.title, excluded.pipeline, excluded.stage, excluded.status, excluded.amount, excluded.currency,
                    excluded.owner, excluded.created_at, excluded.closed_at, excluded.expected_close, excluded.dimensions,
                    excluded.lines, excluded.crm_probability, excluded.deleted, excluded.updated_at)""";

    static final String TRANSITIONS = """
            insert into stage_transition as t (connection, id, deal, stage, entered_at)
            select :connection, r.id, r.deal, r.stage, r.entered_at
            from jsonb_to_recordset(cast(:rows as jsonb)) as r(id text, deal text, stage text, entered_at timestamptz)
            on conflict (connection, id) do update
               set deal = excluded.deal, stage = excluded.stage, entered_at = excluded.entered_at
             where (t.deal, t.stage, t.entered_at) is distinct from (excluded.deal, excluded.stage, excluded.entered_at)""";

    static final String ACTIVITIES = """
            insert into activity as t (connection, id, type, owner, deal, created_at, due_at, completed_at, deleted)
            select :connection, r.id, r.type, r.owner, r.deal, r.created_at, r.due_at, r.completed_at, coalesce(r.deleted, false)
            from jsonb_to_recordset(cast(:rows as jsonb))
                 as r(id text, type text, owner text, deal text, created_at timestamptz, due_at timestamptz,
                      completed_at timestamptz, deleted boolean)
            on conflict (connection, id) do update
               set type = excluded.type, owner = excluded.owner, deal = excluded.deal, created_at = excluded.created_at,
                   due_at = excluded.due_at, completed_at = excluded.completed_at, deleted = excluded.deleted
             where (t.type, t.owner, t.deal, t.created_at, t.due_at, t.completed_at, t.deleted) is distinct from
                   (excluded.type, excluded.owner, excluded.deal, excluded.created_at, excluded.due_at,
                    excluded.completed_at, excluded.deleted)""";
}
