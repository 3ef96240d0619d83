-- The shipped change tracking with notifications switched off (poll-only sites): bump + log only.
alter database :"DBNAME" set confwatch.notify = off;
