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
        if (uri.getHost() == null || uri.getHost().isBlank()) {
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
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) {
            return Optional.of("points at a private host (" + host + "); this server only delivers to public addresses");
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(stripBrackets(host))) {
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
            boolean v4Mapped = true;
            for (int i = 0; i < 10; i++) {
                v4Mapped &= bytes[i] == 0;
            }
            if (v4Mapped && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff) {
                try {
                    return isPrivate(InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]}));
                }
                catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String stripBrackets(String host)
    {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
