package dev.sluice.server;

import dev.sluice.control.ControlPlane;
import dev.sluice.control.ControlPlaneSettings;
import dev.sluice.control.ratelimit.RateLimit;
import dev.sluice.core.id.AccountId;
import dev.sluice.core.id.ResourceKind;
import dev.sluice.core.secret.SecretBox;
import dev.sluice.data.deliver.WebhookSigner;
import dev.sluice.store.EmbeddedMetadataPostgres;
import dev.sluice.store.Store;
import dev.sluice.store.account.AccountDao;
import dev.sluice.store.endpoint.HttpEndpoint;
import dev.sluice.store.endpoint.HttpEndpointDao;
import dev.sluice.stream.StreamMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/** Endpoints stored before every endpoint had a signing secret get a generated one when the control plane starts, and requests to them are signed. */
class UnsignedEndpointsIT
{
    private static final String KEPT_SECRET = "whsec_" + Base64.getEncoder().encodeToString("a-secret-its-owner-chose-long".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path directory;
    private EmbeddedMetadataPostgres postgres;
    private Store store;
    private SecretBox secrets;
    private ControlPlaneSettings settings;
    private final AccountId account = AccountId.generate();

    @BeforeEach
    void start()
    {
        postgres = EmbeddedMetadataPostgres.start(directory.resolve("postgres"), 0);
        Store.migrate(postgres.dataSource("postgres"));
        store = new Store(postgres.dataSource("postgres"));
        String key = SecretBox.generateKey();
        secrets = SecretBox.fromBase64Key(key);
        settings = new ControlPlaneSettings(Optional.empty(), key, true, 1 << 20, Duration.ofSeconds(5), new RateLimit(100, 100));
        store.useHandle(handle -> handle.attach(AccountDao.class).insert(account, "upgrade"));
    }

    @AfterEach
    void stop()
    {
        postgres.close();
    }

    @Test
    void anEndpointWithoutASecretGetsAGeneratedOneThatSignsAndOneWithASecretKeepsIt()
            throws Exception
    {
        String unsigned = createEndpoint("old-hooks", Optional.empty());
        String signed = createEndpoint("new-hooks", Optional.of(KEPT_SECRET));

        startAndStopControlPlane();

        HttpEndpoint upgraded = endpoint(unsigned);
        assertThat(upgraded.signingSecretEncrypted()).isPresent();
        String secret = secrets.decrypt(upgraded.signingSecretEncrypted().get());
        assertThat(secret).startsWith("whsec_");
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        assertThat(key).hasSize(32);
        // the deliverer signs with it: the signature is the HMAC-SHA256 of "id.timestamp.body" under the decoded key
        List<String> signing = WebhookSigner.secrets(upgraded, secrets, Instant.now());
        assertThat(signing).containsExactly(secret);
        String body = "{\"id\":\"1\",\"action\":\"insert\"}";
        assertThat(WebhookSigner.signatureHeader(signing, "msg_con_1", 1_764_000_000L, body))
                .isEqualTo("v1," + hmac(key, "msg_con_1.1764000000." + body));

        assertThat(secrets.decrypt(endpoint(signed).signingSecretEncrypted().orElseThrow())).isEqualTo(KEPT_SECRET);

        // a later start leaves the generated secret as it is
        startAndStopControlPlane();
        assertThat(secrets.decrypt(endpoint(unsigned).signingSecretEncrypted().orElseThrow())).isEqualTo(secret);
    }

    private void startAndStopControlPlane()
    {
        ControlPlane controlPlane = new ControlPlane(store, settings, new StreamMetrics(new PrometheusRegistry()));
        controlPlane.start();
        controlPlane.stop();
    }

    private String createEndpoint(String name, Optional<String> signingSecret)
    {
        String id = ResourceKind.HTTP_ENDPOINT.newId();
        Instant now = Instant.now();
        store.useHandle(handle -> handle.attach(HttpEndpointDao.class).insert(new HttpEndpoint(
                account, id, name, "https://hooks.example.com/" + name, Map.of(), Optional.empty(), List.of(), signingSecret.map(secrets::encrypt), List.of(), now, now)));
        return id;
    }

    private HttpEndpoint endpoint(String id)
    {
        return store.onDemand(HttpEndpointDao.class).findById(account, id).orElseThrow();
    }

    private static String hmac(byte[] key, String content)
            throws Exception
    {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }
}
