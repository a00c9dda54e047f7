package dev.sluice.data.deliver;

import dev.sluice.core.net.WebhookTargets;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * POSTs webhook bodies. Every target, the first and each redirect, is resolved and refused when it points
 * at an address the operator does not allow (private, loopback, link-local); redirects are followed by
 * hand for that reason, at most three.
 *
 * <p>A request runs on the calling thread with blocking I/O over a pooled keep-alive connection: a push sender
 * waits for each answer before its key's next request, so the time between two requests of one key is one
 * round trip, with no hand-over between threads inside the client. A connection idle for a while is checked
 * before it is used again, so one the target closed meanwhile is replaced rather than failing a request.
 */
public final class WebhookClient
        implements Closeable
{
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_REDIRECTS = 3;
    /**
     * Connections are limited by the senders alone (every push sender of every consumer on this worker holds at most one at
     * a time), not by the pool: a pool limit would only make senders wait for each other.
     */
    private static final int CONNECTIONS = Integer.MAX_VALUE;
    /** A pooled connection idle longer than this is checked (a 1 ms read) before it carries a request. */
    private static final Duration CHECK_AFTER_IDLE = Duration.ofMillis(200);
    /** Connections are opened again at least this often, so a target's DNS change is followed. */
    private static final TimeValue CONNECTION_LIFETIME = TimeValue.ofMinutes(5);
    private static final TimeValue CLOSE_IDLE_AFTER = TimeValue.ofSeconds(30);

    /** Bytes of an answer's body read and thrown away to keep its connection; a longer body closes the connection instead. */
    private static final long LONGEST_ANSWER = 64 * 1024;

    private final CloseableHttpClient http;
    private final ScheduledThreadPoolExecutor deadlines;
    private final WebhookTargets targets;
    private final Duration timeout;

    public WebhookClient(WebhookTargets targets, Duration timeout)
    {
        this(targets, timeout, CHECK_AFTER_IDLE);
    }

    WebhookClient(WebhookTargets targets, Duration timeout, Duration checkAfterIdle)
    {
        this.targets = requireNonNull(targets, "targets is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        Timeout limit = Timeout.of(timeout);
        this.deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "sluice-webhook-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(limit)
                                .setSocketTimeout(limit)
                                .setValidateAfterInactivity(TimeValue.ofMilliseconds(checkAfterIdle.toMillis()))
                                .setTimeToLive(CONNECTION_LIFETIME)
                                .build())
                        .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                        .setMaxConnPerRoute(CONNECTIONS)
                        .setMaxConnTotal(CONNECTIONS)
                        // TLS as the JVM is configured (javax.net.ssl.*: an operator's trust store applies)
                        .useSystemProperties()
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(limit)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .evictIdleConnections(CLOSE_IDLE_AFTER)
                .build();
    }

    /** What a POST came to: a status, or an error saying why there was none. */
    public record Result(Optional<Integer> status, Optional<String> error)
    {
        public boolean succeeded()
        {
            return status.isPresent() && status.get() >= 200 && status.get() < 300;
        }

        public String describe()
        {
            return error.orElseGet(() -> "HTTP " + status.orElseThrow());
        }

        static Result failed(String error)
        {
            return new Result(Optional.empty(), Optional.of(error));
        }
    }

    /** An answer's status and, for a redirect, where to. */
    private record Answer(int status, Optional<String> location) {}

    public Result post(String url, Map<String, String> headers, String body)
    {
        URI target = URI.create(url);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Optional<String> refusal = refusal(target);
            if (refusal.isPresent()) {
                return Result.failed(refusal.get());
            }
            HttpPost request = new HttpPost(target);
            headers.forEach(request::setHeader);
            request.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
            Answer answer;
            AtomicBoolean late = new AtomicBoolean();
            // the whole exchange, connecting to the last byte of the answer, ends within the timeout: a push run's visibility
            // is counted from it, so a target cannot hold a request past it by answering slowly
            ScheduledFuture<?> deadline = deadlines.schedule(() -> {
                late.set(true);
                request.cancel();
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            try {
                ClassicHttpResponse response = http.executeOpen(HttpHost.create(target), request, null);
                boolean whole = false;
                try {
                    answer = new Answer(response.getCode(), Optional.ofNullable(response.getFirstHeader("Location")).map(Header::getValue));
                    whole = readToTheEnd(response.getEntity());
                }
                finally {
                    if (!whole) {
                        // an answer too long to read through, or broken off: its connection is closed, not kept for the next request
                        request.cancel();
                    }
                    closeQuietly(response);
                }
            }
            catch (IOException e) {
                if (late.get() || e instanceof InterruptedIOException) {
                    return Result.failed("no response within " + describe(timeout));
                }
                return Result.failed("request failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            finally {
                deadline.cancel(false);
            }
            if (!REDIRECTS.contains(answer.status())) {
                return new Result(Optional.of(answer.status()), Optional.empty());
            }
            if (answer.location().isEmpty()) {
                return new Result(Optional.of(answer.status()), Optional.of("HTTP " + answer.status() + " redirect without a Location"));
            }
            target = target.resolve(answer.location().get());
        }
        return Result.failed("more than " + MAX_REDIRECTS + " redirects");
    }

    /** Reads an answer's body to its end (so the connection can carry the next request), unless it is longer than {@link #LONGEST_ANSWER}. */
    private static boolean readToTheEnd(HttpEntity entity)
            throws IOException
    {
        if (entity == null) {
            return true;
        }
        byte[] buffer = new byte[8192];
        long read = 0;
        InputStream content = entity.getContent();
        for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
            read += n;
            if (read > LONGEST_ANSWER) {
                return false;
            }
        }
        return true;
    }

    private static void closeQuietly(ClassicHttpResponse response)
    {
        try {
            response.close();
        }
        catch (IOException e) {
            // the answer was read, or the connection is already closed
        }
    }

    private static String describe(Duration duration)
    {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    @Override
    public void close()
            throws IOException
    {
        deadlines.shutdownNow();
        http.close();
    }

    private Optional<String> refusal(URI target)
    {
        String scheme = target.getScheme() == null ? "" : target.getScheme();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("refused to call " + target + ": not an http or https URL");
        }
        if (targets.allowsPrivate()) {
            return Optional.empty();
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(target.getHost())) {
                if (targets.refuses(address)) {
                    return Optional.of("refused to call " + target.getHost() + ": it resolves to a private address (" + address.getHostAddress() + ")");
                }
            }
            return Optional.empty();
        }
        catch (UnknownHostException e) {
            return Optional.of("cannot resolve " + target.getHost());
        }
    }
}
