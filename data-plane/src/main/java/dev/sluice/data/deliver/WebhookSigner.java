package dev.sluice.data.deliver;

import dev.sluice.core.secret.SecretBox;
import dev.sluice.store.endpoint.HttpEndpoint;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">},
 * one per valid secret (space separated) so receivers can rotate. A secret written {@code whsec_<base64>}
 * is used as its decoded bytes, any other secret as its UTF-8 bytes (the API stores every secret in the
 * {@code whsec_} form since endpoints always have one; the raw form is for secrets stored before).
 */
public final class WebhookSigner
{
    public static final String SECRET_PREFIX = "whsec_";

    private WebhookSigner() {}

    /**
     * The secrets a request to {@code endpoint} sent at {@code now} is signed with: its current secret, then
     * every secret a rotation replaced less than {@link HttpEndpoint#ROTATION_GRACE} ago.
     */
    public static List<String> secrets(HttpEndpoint endpoint, SecretBox box, Instant now)
    {
        return endpoint.signingSecretsEncrypted(now).stream().map(box::decrypt).toList();
    }

    public static String signatureHeader(List<String> secrets, String messageId, long timestampSeconds, String body)
    {
        return secrets.stream().map(secret -> "v1," + sign(secret, messageId, timestampSeconds, body)).collect(Collectors.joining(" "));
    }

    public static String sign(String secret, String messageId, long timestampSeconds, String body)
    {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            byte[] digest = mac.doFinal((messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] key(String secret)
    {
        if (secret.startsWith(SECRET_PREFIX)) {
            try {
                return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
            }
            catch (IllegalArgumentException e) {
                // not base64 after all: fall through to the raw bytes
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }
}
