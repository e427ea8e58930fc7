package io.accrue.common.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which URLs a service may call on a tenant's behalf (usage webhook endpoints, billing-contact webhook URLs, any
 * later one). A tenant chooses the URL, so without this check it could aim the service at the cluster's own network:
 * the cloud metadata endpoint, the Kubernetes API, a neighbour's operator endpoints. Pure: no CDI, no clock; DNS only
 * through the {@link Resolver} it is given, so tests need none.
 *
 * <p>
 * Outside dev/test ({@code allowPrivate} false) a URL must be {@code https} on port 443 (the only port the
 * NetworkPolicies in deploy/k8s let a service reach outside the cluster), and every address its host resolves to must
 * be a public unicast address: {@link ForbiddenRanges} lists what is refused and why. In every mode the URL must be
 * absolute http(s), with a host, without credentials and without a fragment.
 *
 * <p>
 * The check runs at registration and again at each delivery, where {@link OutboundHttp} connects to exactly the
 * address that was checked here (a name re-pointed at a private address after the check, DNS rebinding, is never
 * connected to) and never follows a redirect.
 */
public final class OutboundUrlPolicy {

    /** Looks a host up; {@link #SYSTEM} asks the JVM's resolver. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = InetAddress::getAllByName;
    }

    /** A URL that passed: where to connect (every address was checked) and what to say in the request. */
    public record Target(URI uri, String host, int port, boolean https, List<InetAddress> addresses) {}

    /** Thrown with the reason a URL is refused; the message is safe to show to the tenant. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final java.util.regex.Pattern NUMERIC_HOST = java.util.regex.Pattern
            .compile("(?i)[0-9.]+|0x[0-9a-f.x]*|[0-9a-fx.]*\\.0x[0-9a-f]*");
    private static final java.util.regex.Pattern CANONICAL_IPV4 = java.util.regex.Pattern
            .compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private OutboundUrlPolicy() {
    }

    /** Why the URL is refused, or empty when it may be called: the registration check (it resolves the host). */
    public static Optional<String> refusal(String url, boolean allowPrivate, Resolver resolver) {
        try {
            resolve(url, allowPrivate, resolver);
            return Optional.empty();
        } catch (Refused e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Checks the URL and resolves its host once; the addresses returned are the only ones that may be connected to. */
    public static Target resolve(String url, boolean allowPrivate, Resolver resolver) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new Refused("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new Refused("the scheme must be https");
        }
        if (uri.getHost() == null || uri.getRawAuthority() == null || uri.getRawUserInfo() != null
                || uri.getRawAuthority().contains("@")) {
            throw new Refused("an absolute URL with a host and without credentials is required");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("a URL with a fragment is not allowed");
        }
        boolean https = scheme.equals("https");
        int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
        if (!allowPrivate && !https) {
            throw new Refused("the scheme must be https");
        }
        if (!allowPrivate && port != 443) {
            throw new Refused("only port 443 may be called");
        }
        String host = uri.getHost();
        if (NUMERIC_HOST.matcher(host).matches() && !CANONICAL_IPV4.matcher(host).matches()) {
            // 0177.0.0.1, 127.1, 2130706433, 0x7f.1: other clients read them as loopback; refuse the ambiguity.
            throw new Refused("the host is an IPv4 address that is not in dotted-decimal form");
        }
        boolean literal6 = host.startsWith("[");
        String bare = literal6 ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException | SecurityException e) {
            throw new Refused("the host does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new Refused("the host does not resolve");
        }
        if (!allowPrivate) {
            // Java reads an IPv6 literal such as [::ffff:7f00:1] as the IPv4 address it embeds: refuse the form.
            if (literal6 && addresses[0] instanceof Inet4Address) {
                throw new Refused("the host is an IPv4-mapped IPv6 address");
            }
            for (InetAddress address : addresses) {
                Optional<String> range = ForbiddenRanges.rangeOf(address);
                if (range.isPresent()) {
                    throw new Refused("the host resolves to a non-public address (" + range.get() + ")");
                }
            }
        }
        return new Target(uri, bare, port, https, List.of(addresses));
    }

    /** True for the address families Java hands out; anything else is refused. */
    static boolean isIp(InetAddress a) {
        return a instanceof Inet4Address || a instanceof Inet6Address;
    }
}
