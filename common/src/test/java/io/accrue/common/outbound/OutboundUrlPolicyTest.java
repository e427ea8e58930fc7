package io.accrue.common.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutboundUrlPolicyTest {

    /** Literal addresses only (no DNS): one row per forbidden range, with the name the refusal gives. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0.1.2.3                | this network",
            "10.1.2.3               | private",
            "100.64.0.1             | carrier-grade NAT",
            "100.127.255.254        | carrier-grade NAT",
            "127.0.0.1              | loopback",
            "127.255.0.9            | loopback",
            "169.254.169.254        | link-local",
            "172.16.0.1             | private",
            "172.31.255.255         | private",
            "192.0.0.8              | IETF protocol assignments",
            "192.0.2.10             | documentation",
            "192.88.99.1            | 6to4 relay anycast",
            "192.168.1.1            | private",
            "198.18.0.1             | benchmarking",
            "198.19.255.1           | benchmarking",
            "198.51.100.7           | documentation",
            "203.0.113.9            | documentation",
            "224.0.0.1              | multicast",
            "239.255.255.250        | multicast",
            "240.0.0.1              | reserved",
            "255.255.255.255        | broadcast",
            "[::]                   | unspecified",
            "[::1]                  | loopback",
            "[::a9fe:a9fe]          | IPv4-compatible",
            "[::ffff:0:a9fe:a9fe]   | IPv4-translated",
            "[64:ff9b::a9fe:a9fe]   | NAT64",
            "[64:ff9b:1::1]         | local NAT64",
            "[100::1]               | discard-only",
            "[2001:0:4136:e378::1]  | Teredo",
            "[2001:2::1]            | benchmarking",
            "[2001:10::1]           | ORCHID",
            "[2001:20::1]           | ORCHIDv2",
            "[2001:100::1]          | IETF protocol assignments",
            "[2001:db8::1]          | documentation",
            "[2002:a9fe:a9fe::]     | 6to4",
            "[3fff::1]              | documentation",
            "[5f00::1]              | segment routing",
            "[fd00::1]              | unique local",
            "[fc00::1]              | unique local",
            "[fe80::1]              | link-local",
            "[fec0::1]              | site-local",
            "[ff02::1]              | multicast"})
    void everyForbiddenRangeIsRefusedByName(String host, String range) {
        Optional<String> refusal = OutboundUrlPolicy.refusal("https://" + host + "/hooks", false,
                OutboundUrlPolicy.Resolver.SYSTEM);
        assertEquals(Optional.of("the host resolves to a non-public address (" + range + ")"), refusal);
        // dev/test lifts the address rule
        assertEquals(Optional.empty(), OutboundUrlPolicy.refusal("http://" + host + ":8080/hooks", true,
                OutboundUrlPolicy.Resolver.SYSTEM));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "https://93.184.216.34/hooks",
            "https://93.184.216.34:443/hooks?x=1",
            "https://[2606:2800:220:1:248:1893:25c8:1946]/hooks",
            "https://[2001:4860:4860::8888]/hooks",
            "https://100.128.0.1/hooks",
            "https://172.32.0.1/hooks",
            "https://198.20.0.1/hooks",
            "https://223.255.255.1/hooks",
            "https://[2003::1]/hooks"})
    void publicAddressesAreAllowed(String url) {
        assertEquals(Optional.empty(), OutboundUrlPolicy.refusal(url, false, OutboundUrlPolicy.Resolver.SYSTEM));
    }

    @ParameterizedTest(name = "{0} (private allowed: {1})")
    @CsvSource(delimiter = '|', value = {
            "http://93.184.216.34/hooks                | false | the scheme must be https",
            "https://93.184.216.34:8443/hooks          | false | only port 443 may be called",
            "https://[::ffff:93.184.216.34]/hooks      | false | the host is an IPv4-mapped IPv6 address",
            "https://[::ffff:169.254.169.254]/hooks    | false | the host is an IPv4-mapped IPv6 address",
            "ftp://93.184.216.34/hooks                 | true  | the scheme must be https",
            "file:///etc/passwd                        | true  | the scheme must be https",
            "https://user:pass@93.184.216.34/hooks     | true  | an absolute URL with a host and without credentials is required",
            "https://user@93.184.216.34/hooks          | true  | an absolute URL with a host and without credentials is required",
            "https://93.184.216.34/hooks#frag          | true  | a URL with a fragment is not allowed",
            "/relative/hooks                           | true  | the scheme must be https",
            "https:///hooks                            | true  | an absolute URL with a host and without credentials is required",
            "not a url                                 | true  | not a URL"})
    void malformedOrDisallowedUrls(String url, boolean allowPrivate, String reason) {
        assertEquals(Optional.of(reason),
                OutboundUrlPolicy.refusal(url, allowPrivate, OutboundUrlPolicy.Resolver.SYSTEM));
    }

    @Test
    void aNameIsRefusedWhenAnyOfItsAddressesIsForbidden() {
        OutboundUrlPolicy.Resolver dns = host -> switch (host) {
            case "hooks.example.com" -> addresses("93.184.216.34");
            case "mixed.example.com" -> addresses("93.184.216.34", "10.0.0.7");
            case "kubernetes.default.svc" -> addresses("10.96.0.1");
            default -> throw new UnknownHostException(host);
        };
        assertEquals(Optional.empty(), OutboundUrlPolicy.refusal("https://hooks.example.com/x", false, dns));
        assertEquals(Optional.of("the host resolves to a non-public address (private)"),
                OutboundUrlPolicy.refusal("https://mixed.example.com/x", false, dns));
        assertEquals(Optional.of("the host resolves to a non-public address (private)"),
                OutboundUrlPolicy.refusal("https://kubernetes.default.svc/x", false, dns));
        assertEquals(Optional.of("the host does not resolve"),
                OutboundUrlPolicy.refusal("https://nowhere.example.com/x", false, dns));
    }

    @Test
    void obscureIpv4SpellingsNeverReachLoopback() {
        // Decimal, octal and short forms either do not parse as an address or parse to the address they denote.
        for (String host : new String[]{"2130706433", "0177.0.0.1", "127.1", "0x7f.0.0.1"}) {
            Optional<String> refusal = OutboundUrlPolicy.refusal("https://" + host + "/x", false,
                    h -> h.chars().allMatch(c -> Character.isDigit(c) || c == '.')
                            ? InetAddress.getAllByName(h)
                            : new InetAddress[]{InetAddress.getByName("127.0.0.1")});
            assertTrue(refusal.isPresent(), host);
        }
    }

    @Test
    void octalLookingAddressesAreRefusedAlthoughJavaReadsThemAsDecimal() {
        assertEquals(Optional.of("the host is an IPv4 address that is not in dotted-decimal form"), OutboundUrlPolicy
                .refusal("https://0177.0.0.1/x", false, OutboundUrlPolicy.Resolver.SYSTEM));
    }

    private static InetAddress[] addresses(String... literals) throws UnknownHostException {
        InetAddress[] out = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            out[i] = InetAddress.getByName(literals[i]);
        }
        return out;
    }
}
