-- Every worker seen within :ttlSeconds, with the number of unexpired leases it holds (a left join: a worker holding
-- none counts 0), and whether it is settled: live for :settleSeconds and seen within :freshSeconds.
select w.id as worker, count(l.unit) as units,
       w.live_since <= now() - make_interval(secs => :settleSeconds) and w.seen_at > now() - make_interval(secs => :freshSeconds) as settled
from workers w left join leases l on l.owner = w.id and l.expires_at > now()
where w.seen_at > now() - make_interval(secs => :ttlSeconds)
group by w.id, w.live_since, w.seen_at
order by w.id
