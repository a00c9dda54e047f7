update stream_pending p set blocked = (p.seq <> n.first_seq)
from (select group_key, min(seq) as first_seq from stream_pending
      where consumer_key = :k and seq > (select floor_seq from stream_cursors where consumer_key = :k) and group_key = any(:groups) group by group_key) n
where p.consumer_key = :k and p.group_key = n.group_key and not (p.in_flight and p.visible_at > now())
