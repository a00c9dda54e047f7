package dev.sluice.store.session;

import dev.sluice.core.id.AccountId;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.Timestamp;

/** Console sessions of an account, by the hash of their id: a session the server does not know is over. */
public interface ConsoleSessionDao
{
    @SqlUpdate("insert into console_sessions (account_id, id_hash, expires_at) values (:accountId, :idHash, :expiresAt)")
    void insert(@Bind("accountId") AccountId accountId, @Bind("idHash") String idHash, @Bind("expiresAt") Timestamp expiresAt);

    @SqlQuery("select exists (select 1 from console_sessions where account_id = :accountId and id_hash = :idHash and expires_at > now())")
    boolean isLive(@Bind("accountId") AccountId accountId, @Bind("idHash") String idHash);

    @SqlUpdate("delete from console_sessions where account_id = :accountId and id_hash = :idHash")
    int delete(@Bind("accountId") AccountId accountId, @Bind("idHash") String idHash);

    /** Housekeeping across accounts: sessions past their expiry are gone for every account alike. */
    @SqlUpdate("delete from console_sessions where expires_at <= now()")
    int deleteExpiredAcrossAccounts();
}
