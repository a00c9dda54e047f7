-- Records the worker as seen now. live_since starts a new live period when the worker was not seen for :ttlSeconds
-- (a restart, or a pause longer than a lease): units move to a worker for balance only once it has been live a while.
insert into workers (id, seen_at, live_since) values (:worker, now(), now())
on conflict (id) do update set seen_at = now(),
    live_since = case when workers.seen_at < now() - make_interval(secs => :ttlSeconds) then now() else workers.live_since end
