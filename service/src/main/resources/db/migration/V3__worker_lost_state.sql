-- Issue 5 (faults): the lease reaper marks workers whose heartbeat lapsed as LOST. A LOST worker
-- that comes back (network partition healed, database outage over) heartbeats itself ACTIVE again;
-- its attempts were expired meanwhile and their writes are fenced out.
ALTER TABLE workers DROP CONSTRAINT workers_state_check;
ALTER TABLE workers ADD CONSTRAINT workers_state_check CHECK (state IN ('ACTIVE', 'DRAINING', 'STOPPED', 'LOST'));
