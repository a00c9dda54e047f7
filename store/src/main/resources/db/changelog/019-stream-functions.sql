--liquibase formatted sql

--changeset sluice:019-stream-floor
-- Below a consumer's floor nothing of it is in the window. Every acknowledged message leaves a dead entry in the
-- window's indexes until VACUUM removes it (autovacuum comes by about once a minute), and the dead entries pile up
-- in front of the live ones; a scan of the window that starts above the floor steps over none of them. Only a
-- receive that moves the cursor raises the floor (under the consumer's exclusive lock), only a redrive lowers it.
alter table stream_cursors add column floor_seq bigint not null default 0;

--changeset sluice:019-stream-receive splitStatements:false runOnChange:true
-- A receive is one round trip: this function does what MessageStore.receive describes (due heads of the window,
-- fresh messages past the cursor, dead letters for heads out of attempts, a push run's successors) in the
-- caller's transaction and returns the delivered messages with their payloads (kind 'delivered') and the
-- messages it dead-lettered (kind 'dead', payload null).
--
-- Locks, as in MessageStore: due heads are taken FOR UPDATE SKIP LOCKED, so receivers of one consumer work side
-- by side; moving the cursor is exclusive per consumer (advisory lock 0x534c/key), which acks, nacks and dead
-- letters take shared, so a message entering the window always sees whether its group's head is still there.
-- The lock's second key is the consumer key's low 32 bits, as Java's (int) cast gives them.
--
-- Both functions plan without sequential scans: what they read of a window lies above its floor and is at most
-- max_ack_pending rows, but the table's statistics also count the dead rows below every floor (and the consumers
-- other than this one), so a planner trusting them would read the whole table, dead rows included, to find a few.
create or replace function stream_receive(p_key bigint, p_consumer text, p_max integer, p_visibility double precision,
                                          p_max_deliver integer, p_max_ack_pending integer, p_per_group integer, p_nonce text,
                                          p_exhausted_reason text)
returns table (kind text, seq bigint, deliver_count integer, group_key text, action text, table_schema text, table_name text,
               record text, changes text, unchanged_columns text, commit_lsn bigint, commit_timestamp timestamptz, change_index integer)
language plpgsql
set enable_seqscan = off
as $$
#variable_conflict use_column
declare
    v_locked boolean := false;
    v_groups text[];
    v_lock integer := ((p_key & 2147483647) - (p_key & 2147483648))::integer;
    v_heads bigint[];
    v_exhausted bigint[];
    v_fresh bigint[] := '{}';
    v_deliver bigint[];
    v_room bigint;
    v_want integer;
    v_cursor bigint;
    v_floor bigint;
    v_last bigint;
    v_visible_at timestamptz := now() + make_interval(secs => p_visibility);
begin
    select c.cursor_seq, c.floor_seq, t.last_seq into v_cursor, v_floor, v_last
    from stream_cursors c left join stream_tails t on t.consumer_key = c.consumer_key
    where c.consumer_key = p_key;
    v_floor := coalesce(v_floor, 0);

    -- the window's due heads: not behind an earlier message of their group, and due
    select coalesce(array_agg(h.seq order by h.seq), '{}') into v_heads
    from (select p.seq from stream_pending p
          where p.consumer_key = p_key and p.seq > v_floor and not p.blocked and p.visible_at <= now()
          order by p.seq limit p_max
          for update skip locked) h;

    if coalesce(array_length(v_heads, 1), 0) < p_max then
        -- something past the cursor: move it into the window. With nothing due, wait for a receiver moving the cursor
        -- (one short statement; this transaction holds no row locks yet) rather than come back empty; with some due,
        -- move it only if no one else is.
        if v_last > v_cursor then
            if coalesce(array_length(v_heads, 1), 0) = 0 then
                perform pg_advisory_xact_lock(21324, v_lock);
                v_locked := true;
            else
                v_locked := pg_try_advisory_xact_lock(21324, v_lock);
            end if;
        end if;
        if v_locked then
            -- read again under the lock: a redrive (which lowers the floor) may have committed since the first read
            select c.floor_seq into v_floor from stream_cursors c where c.consumer_key = p_key;
            select p_max_ack_pending - count(*) into v_room
            from (select 1 from stream_pending p where p.consumer_key = p_key and p.seq > v_floor limit p_max_ack_pending) w;
            v_want := least(v_room, p_max - coalesce(array_length(v_heads, 1), 0));
            if v_want > 0 then
                -- fresh messages whose group has nothing in the window enter it in flight, delivered by this receive (one
                -- write each instead of an insert and an update); the others enter blocked behind their group's head
                with fresh as (
                    select l.seq, l.group_key, l.commit_timestamp from stream_log l
                    where l.consumer_key = p_key
                      and l.seq > (select c.cursor_seq from stream_cursors c where c.consumer_key = p_key)
                    order by l.seq limit v_want
                ),
                judged as (
                    select f.seq, f.group_key, f.commit_timestamp,
                           row_number() over (partition by f.group_key order by f.seq) > 1
                               or exists (select 1 from stream_pending w
                                          where w.consumer_key = p_key and w.group_key = f.group_key and w.seq > v_floor) as blocked
                    from fresh f
                ),
                entered as (
                    insert into stream_pending (consumer_key, seq, group_key, blocked, in_flight, visible_at, deliver_count, nonce, commit_timestamp)
                    select p_key, j.seq, j.group_key, j.blocked, not j.blocked,
                           case when j.blocked then now() else v_visible_at end,
                           case when j.blocked then 0 else 1 end,
                           case when j.blocked then null else p_nonce end,
                           j.commit_timestamp
                    from judged j
                    on conflict do nothing
                    returning stream_pending.seq, stream_pending.in_flight
                ),
                moved as (
                    -- the floor rises to just below the oldest message still in the window (or to the old cursor when the
                    -- window is empty): the fresh messages entering it now all lie above the old cursor
                    update stream_cursors c set cursor_seq = greatest(c.cursor_seq, (select max(f.seq) from fresh f)),
                                                taken = c.taken + (select count(*) from entered),
                                                floor_seq = coalesce((select min(w.seq) - 1 from stream_pending w
                                                                      where w.consumer_key = p_key and w.seq > c.floor_seq), c.cursor_seq)
                    where c.consumer_key = p_key and exists (select 1 from fresh)
                )
                select coalesce(array_agg(e.seq) filter (where e.in_flight), '{}') into v_fresh from entered e;
            end if;
        end if;
    end if;

    -- heads out of attempts go to the dead letters, and their groups move on
    select coalesce(array_agg(p.seq), '{}') into v_exhausted
    from stream_pending p where p.consumer_key = p_key and p.seq = any(v_heads) and p.deliver_count >= p_max_deliver;
    if array_length(v_exhausted, 1) > 0 then
        perform pg_advisory_xact_lock_shared(21324, v_lock);
        select c.floor_seq into v_floor from stream_cursors c where c.consumer_key = p_key;
        select coalesce(array_agg(distinct p.group_key), '{}') into v_groups
        from stream_pending p where p.consumer_key = p_key and p.seq = any(v_exhausted);
        return query
            with gone as (
                delete from stream_pending p where p.consumer_key = p_key and p.seq = any(v_exhausted) returning p.seq, p.deliver_count
            ),
            dead as (
                insert into dead_letters (consumer_id, seq, group_key, action, table_schema, table_name, record, changes, unchanged_columns,
                                          commit_lsn, commit_timestamp, change_index, deliver_count, reason)
                select distinct on (l.seq) p_consumer, l.seq, l.group_key, l.action, l.table_schema, l.table_name, l.record, l.changes,
                       l.unchanged_columns, l.commit_lsn, l.commit_timestamp, l.change_index, g.deliver_count, p_exhausted_reason
                from gone g join stream_log l on l.consumer_key = p_key and l.seq = g.seq
                order by l.seq
                on conflict (consumer_id, seq) do nothing
                returning dead_letters.seq, dead_letters.group_key
            )
            select 'dead'::text, d.seq, null::integer, d.group_key, null::text, null::text, null::text, null::text, null::text, null::text,
                   null::bigint, null::timestamptz, null::integer
            from dead d;
        update stream_pending p set blocked = false
        from (select w.group_key, min(w.seq) as seq from stream_pending w
              where w.consumer_key = p_key and w.seq > v_floor and w.group_key = any(v_groups) group by w.group_key) n
        where p.consumer_key = p_key and p.seq = n.seq and p.blocked;
        -- their groups' next messages may go out in this receive already
        select coalesce(array_agg(h.seq order by h.seq), '{}') into v_heads
        from (select p.seq from stream_pending p
              where p.consumer_key = p_key and p.seq > v_floor and not p.blocked and p.visible_at <= now() and p.deliver_count < p_max_deliver
                and not (p.seq = any(v_fresh))
              order by p.seq limit greatest(p_max - coalesce(array_length(v_fresh, 1), 0), 0)
              for update skip locked) h;
    end if;

    v_deliver := v_heads;
    if p_per_group > 1 and coalesce(array_length(v_heads, 1), 0) + coalesce(array_length(v_fresh, 1), 0) > 0 then
        -- a push run: each head's group's next waiting messages, in order, stopping at one in flight or out of attempts
        select v_deliver || coalesce(array_agg(r.seq), '{}') into v_deliver
        from (select s.seq from (
                  select w.seq, row_number() over g as n,
                         bool_or((w.in_flight and w.visible_at > now() and not (w.seq = any(v_fresh))) or w.deliver_count >= p_max_deliver) over g as stop
                  from stream_pending w
                  join (select h.group_key, min(h.seq) as seq from stream_pending h
                        where h.consumer_key = p_key and (h.seq = any(v_heads) or h.seq = any(v_fresh)) group by h.group_key) hd
                    on w.group_key = hd.group_key and w.seq > hd.seq
                  where w.consumer_key = p_key and w.seq > v_floor and w.blocked
                  window g as (partition by w.group_key order by w.seq rows unbounded preceding)
              ) s where not s.stop and s.n <= p_per_group - 1) r;
    end if;
    update stream_pending p set in_flight = true, visible_at = v_visible_at, deliver_count = p.deliver_count + 1, nonce = p_nonce
    where p.consumer_key = p_key and p.seq = any(v_deliver) and p.deliver_count < p_max_deliver;

    return query
        select distinct on (l.seq) 'delivered'::text, l.seq, p.deliver_count, l.group_key, l.action, l.table_schema, l.table_name,
               l.record::text, l.changes::text, l.unchanged_columns::text, l.commit_lsn, l.commit_timestamp, l.change_index
        from stream_pending p join stream_log l on l.consumer_key = p_key and l.seq = p.seq
        where p.consumer_key = p_key and (p.seq = any(v_deliver) or p.seq = any(v_fresh)) and p.nonce = p_nonce and p.in_flight
        order by l.seq;
end;
$$;

--changeset sluice:019-stream-ack splitStatements:false runOnChange:true
-- An ack is one round trip: the messages the ack ids name that were in the window before (kind 'waiting'), and those
-- this ack took out of it (kind 'acked', with the ack id's canonical form); their groups' next messages are unblocked.
create or replace function stream_ack(p_key bigint, p_seqs bigint[], p_counts integer[], p_nonces text[])
returns table (kind text, seq bigint, ack_id text, commit_timestamp timestamptz)
language plpgsql
set enable_seqscan = off
as $$
#variable_conflict use_column
declare
    v_row record;
    v_groups text[] := '{}';
    v_floor bigint;
begin
    perform pg_advisory_xact_lock_shared(21324, ((p_key & 2147483647) - (p_key & 2147483648))::integer);
    return query select 'waiting'::text, p.seq, null::text, null::timestamptz from stream_pending p
                 where p.consumer_key = p_key and p.seq = any(p_seqs);
    for v_row in
        delete from stream_pending p
        using unnest(p_seqs, p_counts, p_nonces) as i(seq, deliver_count, nonce)
        where p.consumer_key = p_key and p.seq = i.seq and p.deliver_count = i.deliver_count and p.nonce = i.nonce
          and p.in_flight and p.visible_at > now()
        returning p.group_key as group_key, p.seq as seq, i.seq || '-' || i.deliver_count || '-' || i.nonce as ack_id, p.commit_timestamp as committed
    loop
        kind := 'acked';
        seq := v_row.seq;
        ack_id := v_row.ack_id;
        commit_timestamp := v_row.committed;
        return next;
        v_groups := v_groups || v_row.group_key;
    end loop;
    if array_length(v_groups, 1) > 0 then
        select coalesce(max(c.floor_seq), 0) into v_floor from stream_cursors c where c.consumer_key = p_key;
        update stream_pending p set blocked = false
        from (select w.group_key, min(w.seq) as seq from stream_pending w
              where w.consumer_key = p_key and w.seq > v_floor and w.group_key = any(v_groups) group by w.group_key) n
        where p.consumer_key = p_key and p.seq = n.seq and p.blocked;
    end if;
end;
$$;
