package dev.sluice.store.source;

import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.SourceId;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Sources of an account. */
@RegisterRowMapper(SourceDao.SourceMapper.class)
public interface SourceDao
{
    @SqlUpdate("""
            insert into sources (account_id, id, name, host, port, database_name, username, password_encrypted, ssl_mode,
                                 publication_name, slot_name, manage_publication, manage_slot)
            values (:accountId, :id, :name, :host, :port, :database, :username, :passwordEncrypted, :sslMode,
                    :publicationName, :slotName, :managePublication, :manageSlot)
            """)
    void insert(@BindMethods Source source);

    @SqlUpdate("""
            update sources set name = :name, host = :host, port = :port, username = :username,
                               password_encrypted = :passwordEncrypted, ssl_mode = :sslMode, updated_at = now()
            where account_id = :accountId and id = :id
            """)
    int update(@BindMethods Source source);

    @SqlQuery("select * from sources where account_id = :accountId and id = :id")
    Optional<Source> findById(@Bind("accountId") AccountId accountId, @Bind("id") SourceId id);

    @SqlQuery("select * from sources where account_id = :accountId and name = :name")
    Optional<Source> findByName(@Bind("accountId") AccountId accountId, @Bind("name") String name);

    @SqlQuery("select * from sources where account_id = :accountId and id > :after order by id limit :limit")
    List<Source> list(@Bind("accountId") AccountId accountId, @Bind("after") String after, @Bind("limit") int limit);

    @SqlUpdate("delete from sources where account_id = :accountId and id = :id")
    int delete(@Bind("accountId") AccountId accountId, @Bind("id") SourceId id);

    /** Maps a {@code sources} row. */
    final class SourceMapper
            implements RowMapper<Source>
    {
        @Override
        public Source map(ResultSet rs, StatementContext ctx)
                throws SQLException
        {
            return new Source(
                    new AccountId(rs.getString("account_id")),
                    new SourceId(rs.getString("id")),
                    rs.getString("name"),
                    rs.getString("host"),
                    rs.getInt("port"),
                    rs.getString("database_name"),
                    rs.getString("username"),
                    rs.getString("password_encrypted"),
                    rs.getString("ssl_mode"),
                    rs.getString("publication_name"),
                    rs.getString("slot_name"),
                    rs.getBoolean("manage_publication"),
                    rs.getBoolean("manage_slot"),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant());
        }
    }
}
