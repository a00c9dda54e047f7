package dev.sluice.store.account;

import dev.sluice.core.id.AccountId;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Accounts. These statements are operator-level: they are the only ones not scoped to one account.
 */
@RegisterRowMapper(AccountDao.AccountMapper.class)
public interface AccountDao
{
    @SqlUpdate("insert into accounts (id, name) values (:id, :name)")
    void insert(@Bind("id") AccountId id, @Bind("name") String name);

    @SqlQuery("select * from accounts where id = :id")
    Optional<Account> findById(@Bind("id") String id);

    @SqlQuery("select * from accounts where name = :name")
    Optional<Account> findByName(@Bind("name") String name);

    @SqlQuery("select * from accounts where id > :after order by id limit :limit")
    List<Account> list(@Bind("after") String after, @Bind("limit") int limit);

    @SqlUpdate("update accounts set status = :status where id = :id")
    int setStatus(@Bind("id") AccountId id, @Bind("status") String status);

    /** Maps an {@code accounts} row. */
    final class AccountMapper
            implements RowMapper<Account>
    {
        @Override
        public Account map(ResultSet rs, StatementContext ctx)
                throws SQLException
        {
            return new Account(
                    new AccountId(rs.getString("id")),
                    rs.getString("name"),
                    "active".equals(rs.getString("status")),
                    rs.getTimestamp("created_at").toInstant());
        }
    }
}
