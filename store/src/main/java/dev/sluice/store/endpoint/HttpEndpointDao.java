package dev.sluice.store.endpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.core.id.AccountId;
import dev.sluice.store.Json;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** HTTP endpoints of an account. */
@RegisterRowMapper(HttpEndpointDao.HttpEndpointMapper.class)
public interface HttpEndpointDao
{
    default void insert(HttpEndpoint endpoint)
    {
        insertRow(endpoint.accountId(), endpoint.id(), endpoint.name(), endpoint.url(), Json.write(endpoint.headers()),
                endpoint.secretHeadersEncrypted().orElse(null), endpoint.secretHeaderNames().toArray(String[]::new),
                endpoint.signingSecretEncrypted().orElse(null));
    }

    @SqlUpdate("""
            insert into http_endpoints (account_id, id, name, url, headers, secret_headers_encrypted, secret_header_names, signing_secret_encrypted)
            values (:accountId, :id, :name, :url, cast(:headers as jsonb), :secretHeaders, :secretHeaderNames, :signingSecret)
            """)
    void insertRow(@Bind("accountId") AccountId accountId, @Bind("id") String id, @Bind("name") String name, @Bind("url") String url,
            @Bind("headers") String headers, @Bind("secretHeaders") String secretHeaders, @Bind("secretHeaderNames") String[] secretHeaderNames,
            @Bind("signingSecret") String signingSecret);

    default int update(HttpEndpoint endpoint)
    {
        return updateRow(endpoint.accountId(), endpoint.id(), endpoint.name(), endpoint.url(), Json.write(endpoint.headers()),
                endpoint.secretHeadersEncrypted().orElse(null), endpoint.secretHeaderNames().toArray(String[]::new),
                endpoint.signingSecretEncrypted().orElse(null), Json.write(endpoint.retiredSigningSecrets()));
    }

    @SqlUpdate("""
            update http_endpoints set name = :name, url = :url, headers = cast(:headers as jsonb), secret_headers_encrypted = :secretHeaders,
                   secret_header_names = :secretHeaderNames, signing_secret_encrypted = :signingSecret,
                   retired_signing_secrets = cast(:retiredSigningSecrets as jsonb), updated_at = now()
            where account_id = :accountId and id = :id
            """)
    int updateRow(@Bind("accountId") AccountId accountId, @Bind("id") String id, @Bind("name") String name, @Bind("url") String url,
            @Bind("headers") String headers, @Bind("secretHeaders") String secretHeaders, @Bind("secretHeaderNames") String[] secretHeaderNames,
            @Bind("signingSecret") String signingSecret, @Bind("retiredSigningSecrets") String retiredSigningSecrets);

    @SqlQuery("select * from http_endpoints where account_id = :accountId and id = :id")
    Optional<HttpEndpoint> findById(@Bind("accountId") AccountId accountId, @Bind("id") String id);

    @SqlQuery("select * from http_endpoints where account_id = :accountId and name = :name")
    Optional<HttpEndpoint> findByName(@Bind("accountId") AccountId accountId, @Bind("name") String name);

    @SqlQuery("select * from http_endpoints where account_id = :accountId and id > :after order by id limit :limit")
    List<HttpEndpoint> list(@Bind("accountId") AccountId accountId, @Bind("after") String after, @Bind("limit") int limit);

    /** Endpoints created before every endpoint had a signing secret; crosses accounts, for the one-time upgrade at start. */
    @SqlQuery("select * from http_endpoints where signing_secret_encrypted is null order by id")
    List<HttpEndpoint> unsignedAcrossAccounts();

    /** Gives an endpoint its first signing secret, unless another node did first. */
    @SqlUpdate("update http_endpoints set signing_secret_encrypted = :signingSecret where account_id = :accountId and id = :id and signing_secret_encrypted is null")
    int setFirstSigningSecret(@Bind("accountId") AccountId accountId, @Bind("id") String id, @Bind("signingSecret") String signingSecret);

    @SqlUpdate("delete from http_endpoints where account_id = :accountId and id = :id")
    int delete(@Bind("accountId") AccountId accountId, @Bind("id") String id);

    /** Maps an {@code http_endpoints} row. */
    final class HttpEndpointMapper
            implements RowMapper<HttpEndpoint>
    {
        private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};
        private static final TypeReference<List<RetiredSigningSecret>> RETIRED = new TypeReference<>() {};

        @Override
        public HttpEndpoint map(ResultSet rs, StatementContext ctx)
                throws SQLException
        {
            return new HttpEndpoint(
                    new AccountId(rs.getString("account_id")),
                    rs.getString("id"),
                    rs.getString("name"),
                    rs.getString("url"),
                    Json.read(rs.getString("headers"), HEADERS),
                    Optional.ofNullable(rs.getString("secret_headers_encrypted")),
                    List.of((String[]) rs.getArray("secret_header_names").getArray()),
                    Optional.ofNullable(rs.getString("signing_secret_encrypted")),
                    Json.read(rs.getString("retired_signing_secrets"), RETIRED),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getTimestamp("updated_at").toInstant());
        }
    }
}
