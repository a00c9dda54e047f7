package dev.sluice.store.token;

import dev.sluice.core.id.AccountId;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** API tokens of an account. */
@RegisterRowMapper(TokenDao.TokenMapper.class)
public interface TokenDao
        extends SqlObject
{
    @SqlUpdate("insert into api_tokens (account_id, id, name, scopes, token_hash, prefix) values (:accountId, :id, :name, :scopes, :hash, :prefix)")
    void insert(@Bind("accountId") AccountId accountId, @Bind("id") String id, @Bind("name") String name, @Bind("scopes") String[] scopes, @Bind("hash") String hash, @Bind("prefix") String prefix);

    @SqlQuery("select * from api_tokens where account_id = :accountId and id = :id")
    Optional<ApiToken> findById(@Bind("accountId") AccountId accountId, @Bind("id") String id);

    @SqlQuery("select * from api_tokens where account_id = :accountId and name = :name")
    Optional<ApiToken> findByName(@Bind("accountId") AccountId accountId, @Bind("name") String name);

    @SqlQuery("select * from api_tokens where account_id = :accountId and id > :after order by id limit :limit")
    List<ApiToken> list(@Bind("accountId") AccountId accountId, @Bind("after") String after, @Bind("limit") int limit);

    @SqlUpdate("delete from api_tokens where account_id = :accountId and id = :id")
    int delete(@Bind("accountId") AccountId accountId, @Bind("id") String id);

    default Optional<AuthenticatedToken> authenticate(String hash)
    {
        return authenticate(getHandle(), hash);
    }

    /**
     * Authentication: the one lookup that finds the account from the secret's hash. A plain query on a handle the caller
     * holds, as every API request makes it: attaching a SQL object to a handle costs JDBI more than the query it runs.
     */
    static Optional<AuthenticatedToken> authenticate(Handle handle, String hash)
    {
        return handle.createQuery("select t.*, a.status as account_status, a.name as account_name from api_tokens t join accounts a on a.id = t.account_id where t.token_hash = :hash")
                .bind("hash", hash).map(new AuthenticatedTokenMapper()).findOne();
    }

    /** Records use at most once a minute per token, so authentication stays a read most of the time. */
    @SqlUpdate("update api_tokens set last_used_at = now() where id = :id and (last_used_at is null or last_used_at < now() - interval '1 minute')")
    void touch(@Bind("id") String id);

    /** A token found by its secret, with whether its account is active. */
    record AuthenticatedToken(ApiToken token, String accountName, boolean accountActive) {}

    /** Maps an {@code api_tokens} row. */
    final class TokenMapper
            implements RowMapper<ApiToken>
    {
        @Override
        public ApiToken map(ResultSet rs, StatementContext ctx)
                throws SQLException
        {
            Array array = rs.getArray("scopes");
            Set<Scope> scopes = Arrays.stream((String[]) array.getArray())
                    .map(Scope::fromValue)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
            Timestamp lastUsed = rs.getTimestamp("last_used_at");
            return new ApiToken(
                    new AccountId(rs.getString("account_id")),
                    rs.getString("id"),
                    rs.getString("name"),
                    scopes,
                    rs.getString("prefix"),
                    rs.getTimestamp("created_at").toInstant(),
                    Optional.ofNullable(lastUsed).map(Timestamp::toInstant));
        }
    }

    /** Maps a token joined with its account's status. */
    final class AuthenticatedTokenMapper
            implements RowMapper<AuthenticatedToken>
    {
        private final TokenMapper tokens = new TokenMapper();

        @Override
        public AuthenticatedToken map(ResultSet rs, StatementContext ctx)
                throws SQLException
        {
            return new AuthenticatedToken(tokens.map(rs, ctx), rs.getString("account_name"), "active".equals(rs.getString("account_status")));
        }
    }
}
