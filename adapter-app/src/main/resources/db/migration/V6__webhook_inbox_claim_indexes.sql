-- Claims read a bounded slice of each kind of due entry by its own index, instead of walking every
-- open entry in id order (which, with a large backlog of entries waiting for their retry, made each
-- claim as slow as the backlog was long). RECEIVED entries come by webhook_inbox_waiting_since.
drop index webhook_inbox_open;
create index webhook_inbox_failed_due on webhook_inbox (next_attempt_at) where status = 'FAILED';
create index webhook_inbox_lease on webhook_inbox (lease_until) where status = 'PROCESSING';
