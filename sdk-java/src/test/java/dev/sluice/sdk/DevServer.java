package dev.sluice.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Sluice for the integration tests: {@code java -jar ../server/target/sluice.jar dev --demo} on a
 * free port with a data directory of its own, started once for all test classes of a run and stopped at
 * its end. Test classes get it with {@code @ExtendWith(DevServer.Extension.class)} and a parameter.
 */
final class DevServer
        implements ExtensionContext.Store.CloseableResource
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDirectory;
    private final Process process;
    private final URI baseUrl;
    private final String token;
    private final JsonNode demoDatabase;
    private final SluiceClient client;

    private DevServer(Path dataDirectory, Process process, URI baseUrl, String token, JsonNode demoDatabase)
    {
        this.dataDirectory = dataDirectory;
        this.process = process;
        this.baseUrl = baseUrl;
        this.token = token;
        this.demoDatabase = demoDatabase;
        this.client = SluiceClient.builder().endpoint(baseUrl).token(token).build();
    }

    static DevServer start()
            throws IOException
    {
        Path jar = Path.of(System.getProperty("sluice.serverJar", "../server/target/sluice.jar")).toAbsolutePath().normalize();
        assertThat(jar).as("the server jar; build it with: mvn -pl server -am package -DskipTests").exists();
        Path dataDirectory = Files.createTempDirectory("sluice-sdk-it-");
        Path log = dataDirectory.resolve("dev.log");
        Process process = new ProcessBuilder(javaCommand(), "-jar", jar.toString(), "dev", "--data-dir", dataDirectory.toString(), "--port", "0", "--demo")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            Path state = dataDirectory.resolve("dev.json");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(process.isAlive()).as("the dev server died; see %s", log).isTrue();
                return Files.exists(state);
            });
            JsonNode devJson = JSON.readTree(state.toFile());
            DevServer server = new DevServer(dataDirectory, process, URI.create(devJson.path("base_url").asText()), devJson.path("token").asText(),
                    devJson.path("demo_database"));
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> http.send(
                    HttpRequest.newBuilder(server.baseUrl.resolve("/v1/me")).header("Authorization", "Bearer " + server.token).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            // --demo makes its source and consumer once the API is up.
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> server.client.consumers().getConsumer("demo-orders") != null);
            return server;
        }
        catch (RuntimeException | Error e) {
            stop(process);
            throw e;
        }
    }

    URI baseUrl()
    {
        return baseUrl;
    }

    String token()
    {
        return token;
    }

    /** The demo database of dev.json: host, port, database, username, password. */
    JsonNode demoDatabase()
    {
        return demoDatabase;
    }

    /** A client with the dev account's token (every scope). */
    SluiceClient client()
    {
        return client;
    }

    @Override
    public void close()
            throws IOException
    {
        stop(process);
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(DevServer::deleteQuietly);
        }
    }

    private static void stop(Process process)
    {
        List<ProcessHandle> children = process.descendants().toList();
        // SIGTERM first: the server stops its embedded Postgres on the way out.
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static String javaCommand()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void deleteQuietly(Path path)
    {
        try {
            Files.deleteIfExists(path);
        }
        catch (IOException e) {
            // a leftover in the temporary directory is harmless
        }
    }

    /** Resolves a {@link DevServer} parameter: the one server of the run, started on first use. */
    static final class Extension
            implements ParameterResolver
    {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context)
        {
            return parameter.getParameter().getType() == DevServer.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
        {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(DevServer.class))
                    .getOrComputeIfAbsent(DevServer.class, key -> {
                        try {
                            return start();
                        }
                        catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }, DevServer.class);
        }
    }
}
