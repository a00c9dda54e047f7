-- Extends every lease :owner still holds, in one statement. unnest over two arrays of the same length zips them into
-- (unit, epoch) pairs: a lease is renewed only at the epoch the worker holds it at, so one taken over meanwhile is not.
-- The units returned are those renewed; a unit missing from them was lost.
update leases l set expires_at = now() + make_interval(secs => :ttlSeconds), renewed_at = now()
from unnest(cast(:units as text[]), cast(:epochs as bigint[])) as held(unit, epoch)
where l.unit = held.unit and l.epoch = held.epoch and l.owner = :owner and l.expires_at > now()
returning l.unit
