-- Claims up to :limit free or expired units whose names start with :prefix, but those in :except.
-- Each claim increments the unit's epoch: every write the new holder makes is fenced by it.
-- FOR UPDATE SKIP LOCKED: concurrent workers claim different units instead of waiting on each other, and a unit
-- whose holder is inside a fenced transaction (its row locked FOR KEY SHARE, see lockIfHeld) is skipped until it ends.
-- unit <> all(:except): true for every unit when :except is empty (an empty array binds where an empty IN list could not).
update leases set owner = :owner, epoch = epoch + 1, expires_at = now() + make_interval(secs => :ttlSeconds), renewed_at = now()
where unit in (select unit from leases
               where unit like :prefix || '%' and (owner is null or expires_at < now()) and unit <> all(cast(:except as text[]))
               order by unit limit :limit for update skip locked)
returning unit, owner, epoch
