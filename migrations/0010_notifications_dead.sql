-- /metrics counts dead notifications at every scrape (cronwatch_notifications{state="dead"}).
-- The outbox is never pruned, so without this index the count would read the whole table;
-- dead rows are few (each one is an alert nobody got), so the index stays small.
CREATE INDEX notifications_dead ON notifications (created_at) WHERE state = 'dead';
