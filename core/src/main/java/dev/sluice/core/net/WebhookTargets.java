package dev.sluice.core.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides which webhook targets Sluice may call. In a hosted service a tenant must not make Sluice call
 * into its own network, so private, loopback, link-local and other special addresses are refused unless
 * the operator allows them (the dev mode does). The data plane checks the resolved address again at
 * delivery time and on every redirect; a check at create time alone would be defeated by DNS changes.
 * A host written as a number in any form resolvers accept ({@code 0x7f000001}, {@code 017700000001},
 * {@code 0177.0.0.1}, {@code 127.1}) is read as that address before the check, as is an IPv6 address that
 * carries an IPv4 one (mapped, compatible, NAT64, 6to4).
 */
public final class WebhookTargets
{
    private final boolean allowPrivate;

    public WebhookTargets(boolean allowPrivate)
    {
        this.allowPrivate = allowPrivate;
    }

    public boolean allowsPrivate()
    {
        return allowPrivate;
    }

    /** Returns why the URL is not an acceptable webhook target, or empty when it is. */
    public Optional<String> refusal(String url)
    {
        URI uri;
        try {
            uri = new URI(url);
        }
        catch (URISyntaxException e) {
            return Optional.of("is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("must be an absolute http or https URL");
        }
        // java.net.URI leaves the host out when it is not a name or a dotted-quad (0x7f.1, 127.1, 256.0.0.1), yet
        // other clients and resolvers read such hosts as addresses: take it from the authority to check it all the same.
        String rawHost = uri.getHost() != null ? uri.getHost() : hostOfAuthority(uri.getRawAuthority());
        if (rawHost == null || rawHost.isBlank()) {
            return Optional.of("must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry credentials; use headers or secret_headers instead");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not have a fragment");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        String host = stripBrackets(rawHost.toLowerCase(Locale.ROOT));
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        Optional<NumericHost> numeric = numericIpv4(host);
        if (numeric.isPresent()) {
            if (numeric.get().address().isEmpty()) {
                return Optional.of("has a numeric host (" + host + ") that is not a valid IPv4 address");
            }
            InetAddress address = numeric.get().address().get();
            return isPrivate(address)
                    ? Optional.of("points at a private address (" + host + " is " + address.getHostAddress() + "); this server only delivers to public addresses")
                    : Optional.empty();
        }
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) {
            return Optional.of("points at a private host (" + host + "); this server only delivers to public addresses");
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (isPrivate(address)) {
                    return Optional.of("resolves to a private address (" + address.getHostAddress() + "); this server only delivers to public addresses");
                }
            }
        }
        catch (UnknownHostException e) {
            // A name that does not resolve yet is accepted; delivery checks the address it resolves to then.
        }
        return Optional.empty();
    }

    /** Whether an address is one a tenant must not reach through Sluice. */
    public boolean refuses(InetAddress address)
    {
        return !allowPrivate && isPrivate(address);
    }

    public static boolean isPrivate(InetAddress address)
    {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first == 0
                    || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
                    || (first == 192 && second == 0 && (bytes[2] & 0xff) == 0) // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19)) // benchmarking
                    || first >= 240;
        }
        if (address instanceof Inet6Address) {
            int first = bytes[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            if (first == 0x20 && (bytes[1] & 0xff) == 0x02) {
                return isPrivate(ipv4(bytes, 2)); // 6to4 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
            }
            boolean zeroPrefix = true;
            for (int i = 0; i < 10; i++) {
                zeroPrefix &= bytes[i] == 0;
            }
            boolean mapped = zeroPrefix && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
            boolean compatible = zeroPrefix && bytes[10] == 0 && bytes[11] == 0;
            boolean nat64 = (bytes[0] & 0xff) == 0x00 && (bytes[1] & 0xff) == 0x64 && (bytes[2] & 0xff) == 0xff && (bytes[3] & 0xff) == 0x9b
                    && bytes[4] == 0 && bytes[5] == 0 && bytes[6] == 0 && bytes[7] == 0 && bytes[8] == 0 && bytes[9] == 0 && bytes[10] == 0 && bytes[11] == 0;
            if (mapped || compatible || nat64) {
                return isPrivate(ipv4(bytes, 12));
            }
        }
        return false;
    }

    /**
     * Reads a host the way {@code inet_aton} (and so most resolvers and HTTP clients) does: one to four parts
     * separated by dots, each decimal, {@code 0x} hexadecimal or {@code 0}-prefixed octal, the last part filling
     * the remaining bytes. Empty when the host is a name; present but without an address when it is numeric
     * and out of range (such a host must not fall through to a DNS lookup that some resolver might answer).
     */
    static Optional<NumericHost> numericIpv4(String host)
    {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Optional<Long> value = numericPart(parts[i]);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            values[i] = value.get();
        }
        long address = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 0xff) {
                return Optional.of(new NumericHost(Optional.empty()));
            }
            address = (address << 8) | values[i];
        }
        int lastBits = 8 * (5 - values.length);
        long last = values[values.length - 1];
        if (last >= (1L << lastBits)) {
            return Optional.of(new NumericHost(Optional.empty()));
        }
        address = (address << lastBits) | last;
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        return Optional.of(new NumericHost(Optional.of(ipv4(bytes, 0))));
    }

    private static Optional<Long> numericPart(String part)
    {
        String digits;
        int radix;
        if (part.startsWith("0x")) {
            digits = part.substring(2);
            radix = 16;
        }
        else if (part.length() > 1 && part.startsWith("0")) {
            digits = part.substring(1);
            radix = 8;
        }
        else {
            digits = part;
            radix = 10;
        }
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(c -> Character.digit(c, radix) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(digits, radix));
    }

    private static InetAddress ipv4(byte[] bytes, int offset)
    {
        try {
            return InetAddress.getByAddress(new byte[] {bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]});
        }
        catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A host written as a number: the IPv4 address it stands for, or empty when the number is out of range. */
    record NumericHost(Optional<InetAddress> address) {}

    private static String hostOfAuthority(String authority)
    {
        if (authority == null) {
            return null;
        }
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostAndPort.startsWith("[")) {
            int end = hostAndPort.indexOf(']');
            return end < 0 ? null : hostAndPort.substring(0, end + 1);
        }
        int colon = hostAndPort.indexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    private static String stripBrackets(String host)
    {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
