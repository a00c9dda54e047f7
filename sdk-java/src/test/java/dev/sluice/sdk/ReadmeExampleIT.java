package dev.sluice.sdk;

import dev.sluice.sdk.readme.PrintOrders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the README's Java example ({@link PrintOrders}) as a program of its own against the dev server,
 * then stops it as Ctrl-C would and checks that it let go of every message gracefully.
 */
@ExtendWith(DevServer.Extension.class)
class ReadmeExampleIT
{
    private final DevServer server;

    ReadmeExampleIT(DevServer server)
    {
        this.server = server;
    }

    @Test
    void theReadmeExamplePrintsTheDemoOrdersAndStopsCleanly()
            throws Exception
    {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                PrintOrders.class.getName())
                .redirectErrorStream(true);
        builder.environment().put("SLUICE", server.baseUrl().toString());
        builder.environment().put("SLUICE_TOKEN", server.token());
        Process example = builder.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(example, output), "readme-example-output");
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(output).anyMatch(line -> line.matches("(insert|update) \\{id=\\d+, customer=.*")));
        }
        finally {
            // SIGTERM, as Ctrl-C would: the shutdown hook closes the loop. (Process.destroy() would also
            // close our end of its output, and we want to read it to the end.)
            example.toHandle().destroy();
        }
        assertThat(example.waitFor(45, TimeUnit.SECONDS)).as("the example exits after SIGTERM; output: %s", output).isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(example.exitValue()).as("killed by SIGTERM, after the shutdown hook").isEqualTo(143);

        assertThat(output).as("no stack trace or warning").noneMatch(line -> line.contains("Exception") || line.contains("WARNING"));
        assertThat(server.client().consumers().getConsumerStatus("demo-orders").getInFlight())
                .as("every message the example received was acked before it exited")
                .isZero();
    }

    private static void readLines(Process process, List<String> output)
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
            }
        }
        catch (IOException e) {
            output.add("cannot read the output: " + e);
        }
    }
}
