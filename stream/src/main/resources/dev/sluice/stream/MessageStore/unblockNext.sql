update stream_pending p set blocked = false
from (select group_key, min(seq) as seq from stream_pending
      where consumer_key = :k and seq > (select floor_seq from stream_cursors where consumer_key = :k) and group_key = any(:groups) group by group_key) n
where p.consumer_key = :k and p.seq = n.seq and p.blocked
