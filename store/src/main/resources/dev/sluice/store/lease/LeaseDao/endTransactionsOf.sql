-- Ends the sessions named :applicationName (a stalled worker's) whose transaction began more than :graceSeconds ago.
-- count(*) filter (where pg_terminate_backend(pid)): ends each session while counting those it could end, in one
-- statement; pg_terminate_backend returns false for a session already gone.
select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity
where application_name = :applicationName and pid <> pg_backend_pid()
  and xact_start < now() - make_interval(secs => :graceSeconds)
