package dev.sluice.server;


import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

/**
 * Sluice as separate processes of the packaged jar ({@code target/sluice.jar}), each with its output in a log file
 * of a test's folder, and an HTTP client for them. The configuration file reads its operator token and port from
 * {@code SLUICE_TEST_OPERATOR_TOKEN} and {@code SLUICE_TEST_PORT}.
 */
public final class SluiceProcesses
        implements AutoCloseable
{
    private final Path directory;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<Process> processes = new ArrayList<>();

    public SluiceProcesses(Path directory)
    {
        this.directory = requireNonNull(directory, "directory is null");
    }

    public Process start(Path config, String command, int port, String operatorToken, String log)
            throws IOException
    {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-jar", Path.of("target", "sluice.jar").toAbsolutePath().toString(), command, config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve(log).toFile());
        builder.environment().put("SLUICE_TEST_OPERATOR_TOKEN", operatorToken);
        builder.environment().put("SLUICE_TEST_PORT", Integer.toString(port));
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Sends a request with a bearer token (none when null) and a JSON body (none when null). */
    public HttpResponse<String> send(String method, String url, String token, String body)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops every process, as SIGTERM does, and kills what has not stopped after 30 seconds. */
    @Override
    public void close()
            throws InterruptedException
    {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        processes.clear();
    }

    /**
     * Writes {@code sluice.yml} for processes that share the metadata store on {@code metadataPort}: its connection,
     * the operator token and port from the environment, the encryption key, private webhook targets allowed, no
     * migration at start; then {@code more}, YAML of the top level ({@code dataPlane:}, {@code logging:}, …).
     */
    public Path writeConfig(int metadataPort, String encryptionKey, String more)
            throws IOException
    {
        Path config = directory.resolve("sluice.yml");
        Files.writeString(config, """
                database:
                  url: jdbc:postgresql://127.0.0.1:%d/postgres
                  user: postgres
                  password: ""
                operatorToken: ${SLUICE_TEST_OPERATOR_TOKEN}
                encryptionKey: %s
                allowPrivateWebhookTargets: true
                migrateOnStart: false
                server:
                  type: simple
                  connector:
                    type: http
                    port: ${SLUICE_TEST_PORT}
                    bindHost: 127.0.0.1
                """.formatted(metadataPort, encryptionKey) + more);
        return config;
    }

    /** Runs {@code migrate}, then starts a control plane and waits until it answers; returns its base URL. */
    public String startControlPlane(Path config, String operatorToken)
            throws IOException, InterruptedException
    {
        Process migrate = start(config, "migrate", freePort(), operatorToken, "migrate.log");
        if (!migrate.waitFor(120, TimeUnit.SECONDS) || migrate.exitValue() != 0) {
            throw new IllegalStateException("migrate failed: " + Files.readString(directory.resolve("migrate.log")));
        }
        int port = freePort();
        start(config, "control-plane", port, operatorToken, "control-plane.log");
        String api = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
                .until(() -> send("GET", api + "/v1/accounts", operatorToken, null).statusCode() == 200);
        return api;
    }

    public static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
