select coalesce((select t.appended - c.taken from stream_tails t join stream_cursors c on c.consumer_key = t.consumer_key
                 where t.consumer_key = :k), 0)
       + (select count(*) from stream_pending where consumer_key = :k and seq > (select floor_seq from stream_cursors where consumer_key = :k)) as backlog,
       (select count(*) from stream_pending where consumer_key = :k and seq > (select floor_seq from stream_cursors where consumer_key = :k) and in_flight and visible_at > now()) as in_flight,
       (select count(*) from dead_letters where consumer_id = :c) as dead_letters,
       (select coalesce(sum(delivered), 0) from delivery_stats where consumer_id = :c
        and minute >= date_trunc('minute', now()) - interval '1 minute') as delivered
