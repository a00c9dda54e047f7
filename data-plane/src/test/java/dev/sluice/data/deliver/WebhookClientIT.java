package dev.sluice.data.deliver;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.net.WebhookTargets;
import dev.sluice.data.deliver.WebhookTarget.Answer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook client against real local HTTP servers: redirects, timeouts, and the private-address guard. */
class WebhookClientIT
{
    @Test
    void followsRedirectsToAllowedTargets()
            throws IOException
    {
        try (WebhookTarget target = new WebhookTarget()) {
            HttpServer redirector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            redirector.createContext("/", exchange -> {
                exchange.getResponseHeaders().add("Location", target.url() + "/moved");
                exchange.sendResponseHeaders(307, -1);
                exchange.close();
            });
            redirector.start();
            try {
                WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofSeconds(5));
                WebhookClient.Result result = client.post("http://127.0.0.1:" + redirector.getAddress().getPort() + "/hook", Map.of(), "{\"a\":1}");
                assertThat(result.succeeded()).as(result.describe()).isTrue();
                assertThat(target.requests()).singleElement().satisfies(request -> {
                    assertThat(request.path()).isEqualTo("/moved");
                    assertThat(request.body()).isEqualTo("{\"a\":1}");
                });
            }
            finally {
                redirector.stop(0);
            }
        }
    }

    @Test
    void refusesPrivateTargetsWhenTheOperatorForbidsThemWithoutCallingThem()
    {
        try (WebhookTarget target = new WebhookTarget()) {
            WebhookClient client = new WebhookClient(new WebhookTargets(false), Duration.ofSeconds(5));
            WebhookClient.Result result = client.post(target.url() + "/hook", Map.of(), "{}");
            assertThat(result.succeeded()).isFalse();
            assertThat(result.describe()).contains("private address (127.0.0.1)");
            assertThat(target.requests()).isEmpty();
        }
    }

    @Test
    void aTargetThatDoesNotAnswerInTimeIsAFailureNotAHang()
    {
        try (WebhookTarget target = new WebhookTarget()) {
            target.answer(request -> Answer.respondAfter(Duration.ofSeconds(5), 200));
            WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofMillis(500));
            long started = System.nanoTime();
            WebhookClient.Result result = client.post(target.url(), Map.of(), "{}");
            assertThat(result.succeeded()).isFalse();
            assertThat(result.describe()).contains("no response");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void aSlowAnswerWithinTheTimeoutSucceeds()
    {
        try (WebhookTarget target = new WebhookTarget()) {
            target.answer(request -> Answer.respondAfter(Duration.ofMillis(300), 204));
            WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofSeconds(5));
            assertThat(client.post(target.url(), Map.of(), "{}").succeeded()).isTrue();
        }
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsAFailure()
    {
        try (WebhookTarget target = new WebhookTarget()) {
            target.answer(request -> Answer.hangUp());
            WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofSeconds(5));
            WebhookClient.Result result = client.post(target.url(), Map.of(), "{}");
            assertThat(result.succeeded()).isFalse();
            assertThat(result.describe()).startsWith("request failed");
        }
    }

    @Test
    void aKeptAliveConnectionTheTargetClosedIsReplacedInsteadOfFailingTheNextRequest()
            throws Exception
    {
        // answers every request on its own connection and then closes it without saying so (as a target's idle timeout does)
        try (RawTarget target = new RawTarget((out, in) -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")));
                WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofSeconds(5), Duration.ZERO)) {
            for (int request = 0; request < 3; request++) {
                WebhookClient.Result result = client.post(target.url(), Map.of(), "{}");
                assertThat(result.succeeded()).as(result.describe()).isTrue();
                // the next request goes out only once the target has closed the connection this one came on
                assertThat(target.closed.poll(5, TimeUnit.SECONDS)).isNotNull();
            }
        }
    }

    @Test
    void aTargetThatAnswersTooSlowlyToFinishInTimeIsAFailureNotAHang()
            throws Exception
    {
        // the status comes at once, then the body a byte at a time: each read is quick, the answer never ends in time
        try (RawTarget target = new RawTarget((out, in) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"));
            for (int i = 0; i < 100_000; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(20);
            }
        });
                WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofMillis(500))) {
            long started = System.nanoTime();
            WebhookClient.Result result = client.post(target.url(), Map.of(), "{}");
            assertThat(result.succeeded()).isFalse();
            assertThat(result.describe()).isEqualTo("no response within 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void aLongAnswerCountsByItsStatusWithoutWaitingForAllOfIt()
            throws Exception
    {
        // a 2xx that announces 50 MB, sends 1 MB and stays open: reading it through would wait for the timeout
        try (RawTarget chatty = new RawTarget((out, in) -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n"));
            out.write(new byte[1024 * 1024]);
            out.flush();
            // until the client closes the connection
            in.read();
        });
                RawTarget target = new RawTarget((out, in) -> out.write(ascii("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")));
                WebhookClient client = new WebhookClient(new WebhookTargets(true), Duration.ofSeconds(30))) {
            long started = System.nanoTime();
            assertThat(client.post(chatty.url(), Map.of(), "{}").describe()).isEqualTo("HTTP 200");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            assertThat(client.post(target.url(), Map.of(), "{}").describe()).isEqualTo("HTTP 204");
        }
    }

    private static byte[] ascii(String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A target written on a socket: reads each request, writes what it is given, and closes the connection. */
    private static final class RawTarget
            implements AutoCloseable
    {
        interface Reply
        {
            void write(OutputStream out, InputStream in)
                    throws IOException, InterruptedException;
        }

        private final ServerSocket server;
        private final BlockingQueue<String> closed = new LinkedBlockingQueue<>();

        RawTarget(Reply reply)
                throws IOException
        {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread answering = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket connection = server.accept()) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
                        int length = 0;
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                                length = Integer.parseInt(line.substring("content-length:".length()).trim());
                            }
                        }
                        in.skip(length);
                        OutputStream out = connection.getOutputStream();
                        reply.write(out, connection.getInputStream());
                        out.flush();
                    }
                    catch (IOException e) {
                        // the client went away, or the target was closed
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                    closed.add("closed");
                }
            }, "raw-webhook-target");
            answering.setDaemon(true);
            answering.start();
        }

        String url()
        {
            return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
        }

        @Override
        public void close()
                throws IOException
        {
            server.close();
        }
    }
}
