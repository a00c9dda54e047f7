package dev.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.control.ControlPlane;
import dev.sluice.control.account.AccountService;
import dev.sluice.control.token.CreatedToken;
import dev.sluice.control.token.TokenService;
import dev.sluice.core.json.SluiceJson;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.core.secret.Tokens;
import dev.sluice.store.Store;
import dev.sluice.store.account.Account;
import dev.sluice.store.account.AccountDao;
import dev.sluice.store.token.Scope;
import dev.sluice.store.token.TokenDao;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The one-process development setup: secrets and the Postgres port are generated on first start and kept
 * in {@code dev-secrets.json}; after start, a {@code dev} account, its token and a demo database exist,
 * and {@code dev.json} says how to reach them.
 */
final class DevMode
{
    static final String ACCOUNT_NAME = "dev";
    static final String DEMO_DATABASE = "demo";
    static final String DEMO_USER = "sluice_demo";
    static final String DEMO_PASSWORD = "sluice_demo";

    private static final ObjectMapper JSON = SluiceJson.mapper();

    private final Path dataDirectory;
    private final String operatorToken;
    private final String encryptionKey;
    private final int postgresPort;
    private boolean demo;

    private DevMode(Path dataDirectory, String operatorToken, String encryptionKey, int postgresPort)
    {
        this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
        this.operatorToken = requireNonNull(operatorToken, "operatorToken is null");
        this.encryptionKey = requireNonNull(encryptionKey, "encryptionKey is null");
        this.postgresPort = postgresPort;
    }

    static DevMode prepare(Path dataDirectory, boolean demo)
            throws IOException
    {
        DevMode mode = prepare(dataDirectory);
        mode.demo = demo;
        return mode;
    }

    static DevMode prepare(Path dataDirectory)
            throws IOException
    {
        Files.createDirectories(dataDirectory);
        Path secretsFile = dataDirectory.resolve("dev-secrets.json");
        if (Files.exists(secretsFile)) {
            ObjectNode secrets = (ObjectNode) JSON.readTree(secretsFile.toFile());
            return new DevMode(dataDirectory, secrets.get("operator_token").asText(), secrets.get("encryption_key").asText(), secrets.get("postgres_port").asInt());
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        DevMode mode = new DevMode(dataDirectory, "op_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random), SecretBox.generateKey(), freePort());
        ObjectNode secrets = JSON.createObjectNode()
                .put("operator_token", mode.operatorToken)
                .put("encryption_key", mode.encryptionKey)
                .put("postgres_port", mode.postgresPort);
        writeAtomically(secretsFile, secrets);
        return mode;
    }

    String operatorToken()
    {
        return operatorToken;
    }

    String encryptionKey()
    {
        return encryptionKey;
    }

    int postgresPort()
    {
        return postgresPort;
    }

    /** Called once the HTTP server listens: prepares the dev account and demo database, then says how to use them. */
    void started(Server server, Store store, ControlPlane controlPlane)
    {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        String baseUrl = "http://127.0.0.1:" + port;
        String token = devToken(store, controlPlane);
        prepareDemoDatabase(store);
        ObjectNode state = JSON.createObjectNode()
                .put("base_url", baseUrl)
                .put("token", token)
                .put("operator_token", operatorToken);
        state.putObject("demo_database")
                .put("host", "127.0.0.1")
                .put("port", postgresPort)
                .put("database", DEMO_DATABASE)
                .put("username", DEMO_USER)
                .put("password", DEMO_PASSWORD);
        try {
            writeAtomically(dataDirectory.resolve("dev.json"), state);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(banner(baseUrl, token, dataDirectory.resolve("dev.json")));
        if (demo) {
            DemoMode.start(controlPlane, store, postgresPort, baseUrl);
        }
    }

    private String devToken(Store store, ControlPlane controlPlane)
    {
        Path stateFile = dataDirectory.resolve("dev.json");
        if (Files.exists(stateFile)) {
            try {
                String previous = JSON.readTree(stateFile.toFile()).path("token").asText("");
                if (!previous.isEmpty() && store.onDemand(TokenDao.class).authenticate(Tokens.hash(previous)).isPresent()) {
                    return previous;
                }
            }
            catch (IOException e) {
                // an unreadable state file only means a new token
            }
        }
        Optional<Account> account = store.onDemand(AccountDao.class).findByName(ACCOUNT_NAME);
        if (account.isEmpty()) {
            AccountService.CreatedAccount created = controlPlane.accounts().create(Optional.empty(), ACCOUNT_NAME, ACCOUNT_NAME);
            return created.token().secret();
        }
        String name = "dev-" + System.currentTimeMillis();
        CreatedToken created = store.inTransaction(handle -> TokenService.createInTransaction(handle, account.get().id(), name, EnumSet.allOf(Scope.class)));
        return created.secret();
    }

    private static void prepareDemoDatabase(Store store)
    {
        store.useTransaction(handle -> {
            // The password is hashed as SCRAM whatever the server's default, and again on every start, so that a
            // data directory made before the demo checked passwords gets a hash its login rule can check.
            handle.execute("set local password_encryption = 'scram-sha-256'");
            boolean roleExists = handle.createQuery("select exists (select 1 from pg_roles where rolname = :name)").bind("name", DEMO_USER).mapTo(Boolean.class).one();
            handle.execute((roleExists ? "alter" : "create") + " role " + DEMO_USER + " with login superuser replication password '" + DEMO_PASSWORD + "'");
        });
        requirePasswords(store);
        boolean databaseExists = store.withHandle(handle ->
                handle.createQuery("select exists (select 1 from pg_database where datname = :name)").bind("name", DEMO_DATABASE).mapTo(Boolean.class).one());
        if (!databaseExists) {
            // CREATE DATABASE cannot run inside a transaction block.
            store.useHandle(handle -> handle.execute("create database " + DEMO_DATABASE + " owner " + DEMO_USER));
        }
    }

    /**
     * Makes the embedded Postgres check passwords (SCRAM) for every TCP login but the metadata store's own
     * ({@code postgres}, which Sluice connects as without one), as a real database would: a source made
     * with a wrong password for the demo database fails its connection check instead of passing.
     */
    private static void requirePasswords(Store store)
    {
        String hbaFile = store.withHandle(handle -> handle.createQuery("show hba_file").mapTo(String.class).one());
        String rules = """
                # Written by `sluice dev` on every start. Sluice's own metadata-store login (postgres) is trusted;
                # every other login, the demo database's included, must give its password (SCRAM).
                # TYPE  DATABASE     USER      ADDRESS        METHOD
                local   all          all                      trust
                host    all          postgres  127.0.0.1/32   trust
                host    all          postgres  ::1/128        trust
                host    replication  postgres  127.0.0.1/32   trust
                host    replication  postgres  ::1/128        trust
                host    all          all       127.0.0.1/32   scram-sha-256
                host    all          all       ::1/128        scram-sha-256
                host    replication  all       127.0.0.1/32   scram-sha-256
                host    replication  all       ::1/128        scram-sha-256
                """;
        try {
            Path file = Path.of(hbaFile);
            if (!Files.exists(file) || !Files.readString(file).equals(rules)) {
                Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(temporary, rules);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + hbaFile, e);
        }
        // New logins follow the rules from now on; a reload does not touch open connections.
        store.useHandle(handle -> handle.createQuery("select pg_reload_conf()").mapTo(Boolean.class).one());
    }

    private static String banner(String baseUrl, String token, Path state)
    {
        return """

                ======================================================================
                 Sluice is running (dev mode: one process, embedded Postgres)

                   API          %1$s/v1
                   Token        %2$s
                   API docs     %1$s/docs/   (spec: %1$s/openapi.yaml)
                   Metrics      %1$s/admin/prometheus   (operator token)
                   Health       %1$s/admin/healthcheck

                 Try it:
                   export SLUICE_TOKEN=%2$s
                   curl -s -H "Authorization: Bearer $SLUICE_TOKEN" %1$s/v1/me

                 A demo source database runs in the same Postgres; its connection
                 details, the token and the operator token are in
                   %3$s
                ======================================================================
                """.formatted(baseUrl, token, state);
    }

    private static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void writeAtomically(Path file, ObjectNode content)
            throws IOException
    {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
