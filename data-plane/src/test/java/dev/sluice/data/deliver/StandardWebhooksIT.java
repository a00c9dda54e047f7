package dev.sluice.data.deliver;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.data.ExtractionHarness;
import dev.sluice.data.deliver.WebhookTarget.Request;
import dev.sluice.data.extract.CrashPoints;
import dev.sluice.data.extract.ExtractorSettings;
import dev.sluice.store.DataPlaneDao;
import dev.sluice.store.endpoint.HttpEndpoint;
import dev.sluice.store.endpoint.HttpEndpointDao;
import dev.sluice.store.endpoint.RetiredSigningSecret;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sluice's webhook signatures checked by an independent implementation: the Python {@code standardwebhooks}
 * library (the reference implementation, installed by {@code scripts/standardwebhooks.sh}), as a receiver
 * would check them, with every secret it is given in the form the API shows.
 */
class StandardWebhooksIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecretBox BOX = SecretBox.fromBase64Key(SecretBox.generateKey());

    @Test
    void pushedRequestsVerifyWithTheReferenceLibrary()
            throws Exception
    {
        String secret = whsec(32);
        try (ExtractionHarness harness = new ExtractionHarness(Map.of()); WebhookTarget target = new WebhookTarget()) {
            String source = harness.createSource("signed");
            harness.sourceSql("create table orders (id int primary key, label text)");
            String endpoint = harness.createEndpoint("hooks", target.url(), Optional.of(secret), Map.of());
            harness.createPushConsumer(source, "orders", "orders", endpoint, 1, 10);
            harness.startWorker(Duration.ofSeconds(4), () -> CrashPoints.NONE, ExtractorSettings.defaults(),
                    new PushSettings(8, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(400), true));
            harness.sourceSql("insert into orders values (1, 'ünïcode ✓'), (2, 'quote \" and \\\\ backslash'), (3, null)");
            await().atMost(Duration.ofSeconds(60)).until(() -> target.requests().size() >= 3);

            List<Verification> verifications = new ArrayList<>();
            for (Request request : target.requests()) {
                verifications.add(new Verification(secret, request.headers(), request.body()));
                verifications.add(new Verification(whsec(32), request.headers(), request.body()));
            }
            List<String> results = verify(verifications);
            for (int i = 0; i < results.size(); i += 2) {
                assertThat(results.get(i)).as("request %d with the endpoint's secret", i / 2).isEqualTo("verified");
                assertThat(results.get(i + 1)).as("request %d with another secret", i / 2).startsWith("refused");
            }
        }
    }

    @Test
    void everySecretReplacedInTheLast24HoursStillVerifiesAndAnOlderOneDoesNot()
            throws Exception
    {
        Instant now = Instant.now();
        String current = whsec(32);
        String rotatedAnHourAgo = whsec(32);
        String rotatedTwentyHoursAgo = whsec(24);
        String rotatedTwoDaysAgo = whsec(64);
        HttpEndpoint endpoint = new HttpEndpoint(new AccountId(ResourceKind.ACCOUNT.newId()), ResourceKind.HTTP_ENDPOINT.newId(), "hooks", "https://hooks.example.com/", Map.of(), Optional.empty(),
                List.of(), Optional.of(BOX.encrypt(current)), List.of(
                        new RetiredSigningSecret(BOX.encrypt(rotatedTwentyHoursAgo), now.minus(Duration.ofHours(20)).plus(HttpEndpoint.ROTATION_GRACE)),
                        new RetiredSigningSecret(BOX.encrypt(rotatedTwoDaysAgo), now.minus(Duration.ofHours(48)).plus(HttpEndpoint.ROTATION_GRACE)),
                        new RetiredSigningSecret(BOX.encrypt(rotatedAnHourAgo), now.minus(Duration.ofHours(1)).plus(HttpEndpoint.ROTATION_GRACE))),
                now, now);

        String body = "{\"record\":{\"id\":1}}";
        long timestamp = now.getEpochSecond();
        String signature = WebhookSigner.signatureHeader(WebhookSigner.secrets(endpoint, BOX, now), "msg_1", timestamp, body);
        Map<String, String> headers = Map.of("webhook-id", "msg_1", "webhook-timestamp", Long.toString(timestamp), "webhook-signature", signature);

        assertThat(signature.split(" ")).as("one signature per valid secret").hasSize(3);
        assertThat(verify(List.of(
                new Verification(current, headers, body),
                new Verification(rotatedAnHourAgo, headers, body),
                new Verification(rotatedTwentyHoursAgo, headers, body),
                new Verification(rotatedTwoDaysAgo, headers, body))))
                .containsExactly("verified", "verified", "verified", "refused: No matching signature found");
    }

    @Test
    void twoRotationsKeepBothReplacedSecretsSigningThroughTheStore()
            throws Exception
    {
        try (ExtractionHarness harness = new ExtractionHarness(Map.of())) {
            String first = whsec(32);
            String second = whsec(32);
            String third = whsec(32);
            String id = harness.createEndpoint("rotated", "https://hooks.example.com/", Optional.of(first), Map.of());
            for (String next : List.of(second, third)) {
                harness.store().useHandle(handle -> {
                    HttpEndpoint current = handle.attach(DataPlaneDao.class).endpointAcrossAccounts(id).orElseThrow();
                    handle.attach(HttpEndpointDao.class).update(current.withSigningSecret(harness.secrets().encrypt(next), Instant.now()));
                });
            }
            HttpEndpoint rotated = harness.store().onDemand(DataPlaneDao.class).endpointAcrossAccounts(id).orElseThrow();

            Instant now = Instant.now();
            String body = "{\"record\":{\"id\":2}}";
            String signature = WebhookSigner.signatureHeader(WebhookSigner.secrets(rotated, harness.secrets(), now), "msg_3", now.getEpochSecond(), body);
            Map<String, String> headers = Map.of("webhook-id", "msg_3", "webhook-timestamp", Long.toString(now.getEpochSecond()), "webhook-signature", signature);
            assertThat(verify(List.of(new Verification(third, headers, body), new Verification(second, headers, body), new Verification(first, headers, body))))
                    .as("the new secret and both it replaced")
                    .containsExactly("verified", "verified", "verified");
            assertThat(WebhookSigner.secrets(rotated, harness.secrets(), now.plus(HttpEndpoint.ROTATION_GRACE))).as("after the grace period").containsExactly(third);
        }
    }

    @Test
    void aSecretStoredAsTextVerifiesInTheWhsecFormTheApiShows()
            throws Exception
    {
        // endpoints created before secrets were converted hold them as text; their key is the text's UTF-8 bytes
        String text = "a-signing-secret-given-as-plain-text";
        String shown = "whsec_" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        long timestamp = Instant.now().getEpochSecond();
        String body = "{}";
        Map<String, String> headers = Map.of("webhook-id", "msg_2", "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", WebhookSigner.signatureHeader(List.of(text), "msg_2", timestamp, body));
        assertThat(verify(List.of(new Verification(shown, headers, body)))).containsExactly("verified");
        assertThat(WebhookSigner.signatureHeader(List.of(shown), "msg_2", timestamp, body)).isEqualTo(headers.get("webhook-signature"));
    }

    private static String whsec(int bytes)
    {
        byte[] key = new byte[bytes];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** Runs the reference library over the requests, one answer per request in order. */
    private static List<String> verify(List<Verification> verifications)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder("bash", "scripts/standardwebhooks.sh").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream input = process.getOutputStream()) {
            for (Verification verification : verifications) {
                input.write(JSON.writeValueAsBytes(Map.of("secret", verification.secret(), "headers", verification.headers(), "body", verification.body())));
                input.write('\n');
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the verifier (and its first install) finishes").isTrue();
        assertThat(process.exitValue()).as("scripts/standardwebhooks.sh ran; its output: %s", output).isZero();
        return output.lines().toList();
    }

    private record Verification(String secret, Map<String, String> headers, String body) {}
}
