package dev.sluice.source;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import static java.util.Objects.requireNonNull;

/** How to reach a source database, with its password in clear: never logged, never returned. */
public record SourceConnection(
        String host,
        int port,
        String database,
        String username,
        String password,
        String sslMode,
        String publicationName,
        String slotName,
        boolean managePublication,
        boolean manageSlot)
{
    public SourceConnection
    {
        requireNonNull(host, "host is null");
        requireNonNull(database, "database is null");
        requireNonNull(username, "username is null");
        requireNonNull(password, "password is null");
        requireNonNull(sslMode, "sslMode is null");
        requireNonNull(publicationName, "publicationName is null");
        requireNonNull(slotName, "slotName is null");
    }

    public String jdbcUrl()
    {
        String literalHost = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + literalHost + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** JDBC properties for a plain (non-replication) session; the password never leaves this object otherwise. */
    public Properties jdbcProperties(String applicationName, Duration connectTimeout)
    {
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        properties.setProperty("sslmode", sslMode);
        properties.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        properties.setProperty("socketTimeout", Long.toString(Math.max(30, connectTimeout.toSeconds() * 6)));
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("tcpKeepAlive", "true");
        return properties;
    }

    @Override
    public String toString()
    {
        return "SourceConnection[" + username + "@" + host + ":" + port + "/" + database + "]";
    }
}
