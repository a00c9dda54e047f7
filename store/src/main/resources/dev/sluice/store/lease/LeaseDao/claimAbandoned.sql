-- Takes over up to :limit units whose holder stopped renewing them (expired, still owned), incrementing their epochs.
-- SKIP LOCKED: a row locked by its holder's fenced transaction (see lockIfHeld) is left until that transaction ends.
update leases set owner = :owner, epoch = epoch + 1, expires_at = now() + make_interval(secs => :ttlSeconds), renewed_at = now()
where unit in (select unit from leases
               where owner is not null and expires_at < now()
               order by unit limit :limit for update skip locked)
returning unit, owner, epoch
