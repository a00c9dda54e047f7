package dev.sluice.sdk;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookVerifierTest
{
    // The example of the Standard Webhooks specification.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final String TIMESTAMP = "1614265330";
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final Instant SENT = Instant.ofEpochSecond(1614265330);

    @Test
    void acceptsTheStandardWebhooksExample()
    {
        WebhookVerifier verifier = verifierAt(SENT);

        assertThatCode(() -> verifier.verify(ID, TIMESTAMP, SIGNATURE, BODY)).doesNotThrowAnyException();
    }

    @Test
    void readsTheThreeHeadersThroughALookup()
    {
        Map<String, String> headers = Map.of("webhook-id", ID, "webhook-timestamp", TIMESTAMP, "webhook-signature", SIGNATURE);

        assertThatCode(() -> verifierAt(SENT).verify(headers::get, BODY)).doesNotThrowAnyException();
    }

    @Test
    void refusesAnAlteredBody()
    {
        byte[] altered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> verifierAt(SENT).verify(ID, TIMESTAMP, SIGNATURE, altered))
                .isInstanceOfSatisfying(WebhookVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.NO_MATCHING_SIGNATURE))
                .hasMessageContaining("no v1 signature");
    }

    @Test
    void refusesAnotherIdOrTimestampUnderTheSameSignature()
    {
        assertThatThrownBy(() -> verifierAt(SENT).verify("msg_other", TIMESTAMP, SIGNATURE, BODY))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> verifierAt(SENT).verify(ID, "1614265331", SIGNATURE, BODY))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void refusesAnotherSecret()
    {
        WebhookVerifier verifier = WebhookVerifier.of("whsec_" + Base64.getEncoder().encodeToString(new byte[24]), Duration.ofMinutes(5), fixedClock(SENT));

        assertThatThrownBy(() -> verifier.verify(ID, TIMESTAMP, SIGNATURE, BODY))
                .isInstanceOfSatisfying(WebhookVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.NO_MATCHING_SIGNATURE));
    }

    @Test
    void acceptsAnyMatchingSignatureAmongSeveral()
    {
        // During a rotation the server signs with the new and the old secret.
        String header = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v2,whatever v1,not-base64!! " + SIGNATURE;

        assertThatCode(() -> verifierAt(SENT).verify(ID, TIMESTAMP, header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void refusesSignaturesOfAnotherVersion()
    {
        String header = "v1a," + SIGNATURE.substring(3);

        assertThatThrownBy(() -> verifierAt(SENT).verify(ID, TIMESTAMP, header, BODY))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void refusesTimestampsOutsideTheTolerance()
    {
        assertThatCode(() -> verifierAt(SENT.plus(Duration.ofMinutes(5))).verify(ID, TIMESTAMP, SIGNATURE, BODY)).doesNotThrowAnyException();
        assertThatCode(() -> verifierAt(SENT.minus(Duration.ofMinutes(5))).verify(ID, TIMESTAMP, SIGNATURE, BODY)).doesNotThrowAnyException();

        assertThatThrownBy(() -> verifierAt(SENT.plus(Duration.ofMinutes(5)).plusSeconds(1)).verify(ID, TIMESTAMP, SIGNATURE, BODY))
                .isInstanceOfSatisfying(WebhookVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.TIMESTAMP_OUT_OF_TOLERANCE));
        assertThatThrownBy(() -> verifierAt(SENT.minus(Duration.ofMinutes(5)).minusSeconds(1)).verify(ID, TIMESTAMP, SIGNATURE, BODY))
                .isInstanceOfSatisfying(WebhookVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.TIMESTAMP_OUT_OF_TOLERANCE));
    }

    @Test
    void appliesItsOwnTolerance()
    {
        WebhookVerifier verifier = WebhookVerifier.of(SECRET, Duration.ofHours(1), fixedClock(SENT.plus(Duration.ofMinutes(59))));

        assertThatCode(() -> verifier.verify(ID, TIMESTAMP, SIGNATURE, BODY)).doesNotThrowAnyException();
    }

    @Test
    void refusesMissingHeadersAndMalformedTimestamps()
    {
        WebhookVerifier verifier = verifierAt(SENT);

        assertThatThrownBy(() -> verifier.verify(null, TIMESTAMP, SIGNATURE, BODY))
                .isInstanceOfSatisfying(WebhookVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.MISSING_HEADER))
                .hasMessageContaining("webhook-id");
        assertThatThrownBy(() -> verifier.verify(ID, " ", SIGNATURE, BODY))
                .isInstanceOfSatisfying(WebhookVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.MISSING_HEADER))
                .hasMessageContaining("webhook-timestamp");
        assertThatThrownBy(() -> verifier.verify(name -> null, BODY))
                .isInstanceOfSatisfying(WebhookVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.MISSING_HEADER));
        assertThatThrownBy(() -> verifier.verify(ID, "2021-02-26T12:22:10Z", SIGNATURE, BODY))
                .isInstanceOfSatisfying(WebhookVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(WebhookVerificationException.Reason.INVALID_TIMESTAMP));
    }

    @Test
    void usesTheUtf8BytesOfASecretWithoutThePrefix()
            throws Exception
    {
        String secret = "a plain secret of at least 24 characters";
        String signature = "v1," + hmac(secret.getBytes(StandardCharsets.UTF_8), ID + "." + TIMESTAMP + "." + new String(BODY, StandardCharsets.UTF_8));

        assertThatCode(() -> WebhookVerifier.of(secret, Duration.ofMinutes(5), fixedClock(SENT)).verify(ID, TIMESTAMP, signature, BODY))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> verifierAt(SENT).verify(ID, TIMESTAMP, signature, BODY))
                .isInstanceOf(WebhookVerificationException.class);
    }

    private static WebhookVerifier verifierAt(Instant now)
    {
        return WebhookVerifier.of(SECRET, WebhookVerifier.DEFAULT_TOLERANCE, fixedClock(now));
    }

    private static Clock fixedClock(Instant now)
    {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    private static String hmac(byte[] key, String content)
            throws Exception
    {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }
}
