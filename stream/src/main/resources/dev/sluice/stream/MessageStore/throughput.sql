select m.minute, coalesce(s.stored, 0) as stored, coalesce(s.delivered, 0) as delivered, coalesce(s.acked, 0) as acked
from generate_series(date_trunc('minute', now()) - make_interval(mins => :back), date_trunc('minute', now()), interval '1 minute') m(minute)
left join delivery_stats s on s.consumer_id = :c and s.minute = m.minute
order by m.minute
