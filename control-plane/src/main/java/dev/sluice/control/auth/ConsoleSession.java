package dev.sluice.control.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.SluiceJson;
import dev.sluice.core.secret.SecretBox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A console session, kept by the browser in one cookie sealed with the server's key (AES-GCM: neither
 * readable nor forgeable): its id, the API token it was opened with, a CSRF token every form posts back,
 * and an expiry. The token is checked again on every request, so revoking it ends the session; the id is
 * checked against the server's sessions ({@link ConsoleSessions}), so logging out ends it too.
 */
public record ConsoleSession(String id, String token, String csrfToken, Instant expiresAt)
{
    public static final String COOKIE = "sluice_console";
    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final ObjectMapper JSON = SluiceJson.mapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    public ConsoleSession
    {
        requireNonNull(id, "id is null");
        requireNonNull(token, "token is null");
        requireNonNull(csrfToken, "csrfToken is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }

    static ConsoleSession open(String token)
    {
        return new ConsoleSession(randomToken(), token, randomToken(), Instant.now().plus(LIFETIME));
    }

    public static String randomToken()
    {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String seal(SecretBox box)
    {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", id);
        json.put("token", token);
        json.put("csrf", csrfToken);
        json.put("expires", expiresAt.getEpochSecond());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(box.encrypt(json.toString()).getBytes(StandardCharsets.UTF_8));
    }

    /** The session a cookie holds, if it was sealed with this key and has not expired. */
    public static Optional<ConsoleSession> unseal(SecretBox box, String cookie)
    {
        if (cookie == null || cookie.isBlank() || cookie.length() > 4096) {
            return Optional.empty();
        }
        try {
            String sealed = new String(Base64.getUrlDecoder().decode(cookie), StandardCharsets.UTF_8);
            JsonNode json = JSON.readTree(box.decrypt(sealed));
            ConsoleSession session = new ConsoleSession(json.path("id").asText(), json.path("token").asText(), json.path("csrf").asText(),
                    Instant.ofEpochSecond(json.path("expires").asLong()));
            return session.expiresAt().isAfter(Instant.now()) && !session.id().isEmpty() ? Optional.of(session) : Optional.empty();
        }
        catch (RuntimeException | IOException e) {
            return Optional.empty();
        }
    }

    public boolean acceptsCsrfToken(String given)
    {
        return given != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }
}
