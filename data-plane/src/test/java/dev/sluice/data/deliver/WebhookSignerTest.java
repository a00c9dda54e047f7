package dev.sluice.data.deliver;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignerTest
{
    @Test
    void matchesTheStandardWebhooksExample()
    {
        // the example from the Standard Webhooks specification
        String signature = WebhookSigner.signatureHeader(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}");
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aRotatedSecretSignsWithBothUntilTheOldOneExpires()
    {
        String both = WebhookSigner.signatureHeader(List.of("new-secret-value-of-some-length", "old-secret-value-of-some-length"), "id", 1, "{}");
        String[] signatures = both.split(" ");
        assertThat(signatures).hasSize(2);
        assertThat(signatures[0]).isEqualTo("v1," + WebhookSigner.sign("new-secret-value-of-some-length", "id", 1, "{}"));
        assertThat(signatures[1]).isEqualTo("v1," + WebhookSigner.sign("old-secret-value-of-some-length", "id", 1, "{}"));
        assertThat(signatures[0]).isNotEqualTo(signatures[1]);
    }
}
