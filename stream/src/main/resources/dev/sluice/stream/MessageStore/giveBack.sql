update stream_pending p set in_flight = false, visible_at = now() + make_interval(secs => :delay),
       deliver_count = p.deliver_count - :undelivered
from unnest(cast(:seqs as bigint[]), cast(:counts as integer[]), cast(:nonces as text[])) as i(seq, deliver_count, nonce)
where p.consumer_key = :k and p.seq = i.seq and p.deliver_count = i.deliver_count and p.nonce = i.nonce
  and p.in_flight and p.visible_at > now()
returning i.seq || '-' || i.deliver_count || '-' || i.nonce
