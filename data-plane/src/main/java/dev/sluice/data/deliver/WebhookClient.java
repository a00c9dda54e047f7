package dev.sluice.data.deliver;

import dev.sluice.core.net.WebhookTargets;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * POSTs webhook bodies. Every target, the first and each redirect, is resolved and refused when it points
 * at an address the operator does not allow (private, loopback, link-local); redirects are followed by
 * hand for that reason, at most three.
 */
public final class WebhookClient
{
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_REDIRECTS = 3;

    private final HttpClient http;
    private final WebhookTargets targets;
    private final Duration timeout;

    public WebhookClient(WebhookTargets targets, Duration timeout)
    {
        this.targets = requireNonNull(targets, "targets is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
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

    public Result post(String url, Map<String, String> headers, String body)
    {
        URI target = URI.create(url);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Optional<String> refusal = refusal(target);
            if (refusal.isPresent()) {
                return Result.failed(refusal.get());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout).POST(HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            HttpResponse<Void> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            }
            catch (HttpTimeoutException e) {
                return Result.failed("no response within " + timeout.toSeconds() + " s");
            }
            catch (IOException e) {
                return Result.failed("request failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Result.failed("interrupted");
            }
            if (!REDIRECTS.contains(response.statusCode())) {
                return new Result(Optional.of(response.statusCode()), Optional.empty());
            }
            Optional<String> location = response.headers().firstValue("Location");
            if (location.isEmpty()) {
                return new Result(Optional.of(response.statusCode()), Optional.of("HTTP " + response.statusCode() + " redirect without a Location"));
            }
            target = target.resolve(location.get());
        }
        return Result.failed("more than " + MAX_REDIRECTS + " redirects");
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
