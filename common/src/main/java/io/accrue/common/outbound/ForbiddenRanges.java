package io.accrue.common.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Address ranges a tenant's URL may never reach (IANA special-purpose registries, RFC 6890 and successors): every
 * range that is not public unicast, plus every IPv6 form that embeds an IPv4 address (NAT64, 6to4, Teredo, mapped,
 * compatible), because through a translator those reach the embedded IPv4 address, e.g. {@code 64:ff9b::a9fe:a9fe}
 * is the metadata endpoint 169.254.169.254. The first matching entry names the refusal.
 */
final class ForbiddenRanges {

    record Range(String name, byte[] prefix, int bits) {

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((address[i / 8] & mask) != (prefix[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    static final List<Range> RANGES = List.of(
            range("this network", "0.0.0.0/8"),
            range("private", "10.0.0.0/8"),
            range("carrier-grade NAT", "100.64.0.0/10"),
            range("loopback", "127.0.0.0/8"),
            range("link-local", "169.254.0.0/16"),
            range("private", "172.16.0.0/12"),
            range("IETF protocol assignments", "192.0.0.0/24"),
            range("documentation", "192.0.2.0/24"),
            range("6to4 relay anycast", "192.88.99.0/24"),
            range("private", "192.168.0.0/16"),
            range("benchmarking", "198.18.0.0/15"),
            range("documentation", "198.51.100.0/24"),
            range("documentation", "203.0.113.0/24"),
            range("multicast", "224.0.0.0/4"),
            range("broadcast", "255.255.255.255/32"),
            range("reserved", "240.0.0.0/4"),
            range("unspecified", "::/128"),
            range("loopback", "::1/128"),
            range("IPv4-mapped", "::ffff:0:0/96"),
            range("IPv4-compatible", "::/96"),
            range("IPv4-translated", "::ffff:0:0:0/96"),
            range("NAT64", "64:ff9b::/96"),
            range("local NAT64", "64:ff9b:1::/48"),
            range("discard-only", "100::/64"),
            range("Teredo", "2001::/32"),
            range("benchmarking", "2001:2::/48"),
            range("ORCHID", "2001:10::/28"),
            range("ORCHIDv2", "2001:20::/28"),
            range("IETF protocol assignments", "2001::/23"),
            range("documentation", "2001:db8::/32"),
            range("6to4", "2002::/16"),
            range("documentation", "3fff::/20"),
            range("segment routing", "5f00::/16"),
            range("unique local", "fc00::/7"),
            range("link-local", "fe80::/10"),
            range("site-local", "fec0::/10"),
            range("multicast", "ff00::/8"));

    private ForbiddenRanges() {
    }

    /** The name of the forbidden range holding {@code address}, or empty for a public unicast address. */
    static Optional<String> rangeOf(InetAddress address) {
        if (!OutboundUrlPolicy.isIp(address)) {
            return Optional.of("not an IP address");
        }
        byte[] bytes = address.getAddress();
        return RANGES.stream().filter(r -> r.contains(bytes)).map(Range::name).findFirst();
    }

    private static Range range(String name, String cidr) {
        int slash = cidr.indexOf('/');
        try {
            // Literals only: getByName does no lookup for them. Java folds ::ffff:a.b.c.d into IPv4, so build mapped
            // prefixes by hand.
            String text = cidr.substring(0, slash);
            byte[] prefix = text.equals("::ffff:0:0") ? mapped() : InetAddress.getByName(text).getAddress();
            return new Range(name, prefix, Integer.parseInt(cidr.substring(slash + 1)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(cidr, e);
        }
    }

    private static byte[] mapped() {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        return b;
    }
}
