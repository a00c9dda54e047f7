package dev.sluice.control;

import dev.sluice.control.ratelimit.RateLimit;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The control plane's settings, read from the server configuration. */
public record ControlPlaneSettings(
        Optional<String> operatorToken,
        String encryptionKey,
        boolean allowPrivateWebhookTargets,
        long maxRequestBytes,
        Duration sourceConnectTimeout,
        RateLimit rateLimit)
{
    public ControlPlaneSettings
    {
        requireNonNull(operatorToken, "operatorToken is null");
        requireNonNull(encryptionKey, "encryptionKey is null");
        requireNonNull(sourceConnectTimeout, "sourceConnectTimeout is null");
        requireNonNull(rateLimit, "rateLimit is null");
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("maxRequestBytes must be positive");
        }
    }
}
