-- A connection's CRM currency rates (its base currency and units of it for 1 unit of each currency), as its connector last read them.
alter table connection_profile add column currencies jsonb;
