package dev.sluice.core.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookTargetsTest
{
    private final WebhookTargets hosted = new WebhookTargets(false);

    @ParameterizedTest
    @ValueSource(strings = {
            "http://0x7f000001/", // hexadecimal, one part
            "http://0X7F000001/",
            "http://017700000001/", // octal, one part
            "http://2130706433/", // decimal, one part
            "http://0177.0.0.1/", // octal part
            "http://0x7f.0.0.1/", // hexadecimal part
            "http://127.1/", // two parts: the last fills three bytes
            "http://127.0.1/", // three parts
            "http://0x7f.1/",
            "http://0xa9.0xfe.0xa9.0xfe/", // the cloud metadata address, 169.254.169.254
            "http://0251.0376.0251.0376/",
            "http://10.0x1/",
            "http://0/",
            "http://127.0.0.1./", // trailing dot
            "http://[::ffff:127.0.0.1]/", // IPv4-mapped IPv6, dotted
            "http://[::ffff:7f00:1]/", // IPv4-mapped IPv6, hexadecimal
            "http://[::ffff:a9fe:a9fe]/",
            "http://[::127.0.0.1]/", // IPv4-compatible IPv6
            "http://[::a00:1]/",
            "http://[64:ff9b::7f00:1]/", // NAT64
            "http://[2002:7f00:1::]/", // 6to4 carrying 127.0.0.1
            "http://[2002:c0a8:0101::1]/", // 6to4 carrying 192.168.1.1
    })
    void refusesEveryNumericFormOfAPrivateAddress(String url)
    {
        assertThat(hosted.refusal(url)).as(url).isPresent().get().asString().contains("private");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://0x08080808/",
            "http://134744072/",
            "http://8.8.0x8.010/",
            "http://[::ffff:808:808]/",
            "http://[64:ff9b::808:808]/",
    })
    void acceptsNumericFormsOfAPublicAddress(String url)
    {
        assertThat(hosted.refusal(url)).as(url).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://256.0.0.1/", "http://0x100000000/", "http://1.2.3.0x100/", "http://1.0x1000000/"})
    void refusesANumericHostOutOfRange(String url)
    {
        assertThat(hosted.refusal(url)).as(url).isPresent().get().asString().contains("not a valid IPv4 address");
    }

    @Test
    void readsHostsTheWayResolversDo()
    {
        assertThat(WebhookTargets.numericIpv4("0x7f000001").orElseThrow().address().orElseThrow().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(WebhookTargets.numericIpv4("0177.0.0.1").orElseThrow().address().orElseThrow().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(WebhookTargets.numericIpv4("127.1").orElseThrow().address().orElseThrow().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(WebhookTargets.numericIpv4("192.168.257").orElseThrow().address().orElseThrow().getHostAddress()).isEqualTo("192.168.1.1");
        assertThat(WebhookTargets.numericIpv4("hooks.example.com")).isEmpty();
        assertThat(WebhookTargets.numericIpv4("0x7f.example")).isEmpty();
        assertThat(WebhookTargets.numericIpv4("08.0.0.1")).as("8 is not an octal digit: a name, as inet_aton says").isEmpty();
    }

    @Test
    void theOperatorMayAllowPrivateTargets()
    {
        assertThat(new WebhookTargets(true).refusal("http://0x7f000001/")).isEmpty();
    }
}
