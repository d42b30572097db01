package io.myipc.spi;

import io.myipc.IpcConfigException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed channel URI: {@code scheme:target?name=value&name=value}, e.g. {@code shm:orders?capacity=1MiB} has
 * scheme {@code shm}, target {@code orders} and one parameter. The value helpers throw {@link IpcConfigException}
 * naming the parameter, the URI and the expected form.
 */
public final class ChannelAddress {
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|[bB]|[kKmMgG](?:i?[bB])?)");

    private final String uri;
    private final String channel;
    private final String scheme;
    private final String target;
    private final Map<String, String> params;

    private ChannelAddress(String uri, String channel, String scheme, String target, Map<String, String> params) {
        this.uri = uri;
        this.channel = channel;
        this.scheme = scheme;
        this.target = target;
        this.params = params;
    }

    /** True if {@code s} looks like a URI ({@code scheme:...}) rather than a logical channel name. */
    public static boolean looksLikeUri(String s) {
        int colon = s.indexOf(':');
        return colon > 0 && SCHEME.matcher(s.substring(0, colon)).matches();
    }

    /**
     * Parses {@code uri}. {@code channel} is the name the application used (the logical name, or the URI itself).
     */
    public static ChannelAddress parse(String uri, String channel) throws IpcConfigException {
        if (uri == null || !looksLikeUri(uri.trim())) {
            throw new IpcConfigException("'" + uri + "' is not a channel URI: expected <scheme>:<target>[?name=value&...]"
                    + (channel != null && !channel.equals(uri) ? " (configured for channel '" + channel + "')" : ""));
        }
        String u = uri.trim();
        int colon = u.indexOf(':');
        String scheme = u.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = u.substring(colon + 1);
        int q = rest.indexOf('?');
        String target = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> params = new LinkedHashMap<>();
        if (q >= 0 && q + 1 < rest.length()) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (params.put(name, value) != null) {
                    throw new IpcConfigException("parameter '" + name + "' is given twice in '" + u + "': give it once");
                }
            }
        }
        return new ChannelAddress(u, channel == null ? u : channel, scheme, target,
                Collections.unmodifiableMap(params));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The full URI. */
    public String uri() {
        return uri;
    }

    /** The name the application used (logical name or the URI). */
    public String channel() {
        return channel;
    }

    public String scheme() {
        return scheme;
    }

    /** The part between the scheme's colon and the {@code ?}: a path, a segment name, a device. */
    public String target() {
        return target;
    }

    /** All parameters, in URI order. */
    public Map<String, String> params() {
        return params;
    }

    public String param(String name, String defaultValue) {
        String v = params.get(name);
        return v == null ? defaultValue : v;
    }

    public boolean booleanParam(String name, boolean defaultValue) throws IpcConfigException {
        String v = params.get(name);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "1": case "":
                return true;
            case "false": case "no": case "0":
                return false;
            default:
                throw bad(name, v, "true or false");
        }
    }

    public long longParam(String name, long defaultValue, long min, long max) throws IpcConfigException {
        String v = params.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw bad(name, v, "a number in " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(name, v, "a number in " + min + ".." + max);
        }
    }

    /** A file mode in octal, e.g. {@code 0600} or {@code 660}. */
    public int modeParam(String name, int defaultValue) throws IpcConfigException {
        String v = params.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int m = Integer.parseInt(v.trim(), 8);
            if (m < 0 || m > 07777) {
                throw bad(name, v, "an octal file mode like 0600 or 0660");
            }
            return m;
        } catch (NumberFormatException e) {
            throw bad(name, v, "an octal file mode like 0600 or 0660");
        }
    }

    /** A size in bytes with an optional binary suffix: {@code 65536}, {@code 64k}, {@code 64KiB}, {@code 1MiB}, {@code 1G}. */
    public long sizeParam(String name, long defaultValue, long min, long max) throws IpcConfigException {
        String v = params.get(name);
        if (v == null) {
            return defaultValue;
        }
        String expected = "a size in " + min + ".." + max + " bytes like 65536, 64KiB or 1MiB";
        long n;
        try {
            n = parseSize(v);
        } catch (IllegalArgumentException e) {
            throw bad(name, v, expected);
        }
        if (n < min || n > max) {
            throw bad(name, v, expected);
        }
        return n;
    }

    /** Parses {@code 65536}, {@code 64k}, {@code 64KiB}, {@code 1MiB}, {@code 1G} (binary multiples). */
    public static long parseSize(String v) {
        Matcher m = SIZE.matcher(v.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + v + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2).isEmpty() ? "b" : m.group(2).substring(0, 1).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: '" + v + "'");
        }
        return n << shift;
    }

    /** {@code channel 'orders' (pipe:/run/o.fifo)}, or {@code channel 'pipe:/run/o.fifo'} when no name was used. */
    public String describe() {
        return channel.equals(uri) ? "channel '" + uri + "'" : "channel '" + channel + "' (" + uri + ")";
    }

    /** An {@link IpcConfigException} for a bad value of parameter {@code name}. */
    public IpcConfigException bad(String name, String value, String expected) {
        return new IpcConfigException("parameter '" + name + "' of " + describe() + " must be " + expected + ", got '"
                + value + "'");
    }

    @Override
    public String toString() {
        return uri;
    }
}
