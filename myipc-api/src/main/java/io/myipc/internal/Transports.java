package io.myipc.internal;

import io.myipc.IpcConfigException;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.Transport;
import io.myipc.spi.TransportParameter;

import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The transports found with {@link ServiceLoader}, by scheme. */
public final class Transports {
    private static volatile Map<String, Transport> cache;

    private Transports() {
    }

    public static Map<String, Transport> all() {
        Map<String, Transport> m = cache;
        if (m == null) {
            Map<String, Transport> found = new TreeMap<>();
            ServiceLoader<Transport> loader = ServiceLoader.load(Transport.class, Transports.class.getClassLoader());
            for (ServiceLoader.Provider<Transport> p : (Iterable<ServiceLoader.Provider<Transport>>) loader.stream()::iterator) {
                try {
                    Transport t = p.get();
                    found.putIfAbsent(t.scheme(), t);
                } catch (ServiceConfigurationError e) {
                    // a broken provider must not hide the others; it shows up as a missing scheme
                }
            }
            cache = m = java.util.Collections.unmodifiableMap(found);
        }
        return m;
    }

    /**
     * "accepted forms: kmod:/dev/myipcN, pipe:/absolute/path.fifo, shm:&lt;name&gt;" for error messages: one short
     * line; {@link #describeAll()} has the parameters.
     */
    public static String acceptedForms() {
        Map<String, Transport> all = all();
        if (all.isEmpty()) {
            return "no transport is on the class path: add a transport module (myipc-pipe, myipc-shm, myipc-kmod)";
        }
        StringBuilder sb = new StringBuilder("accepted forms: ");
        boolean first = true;
        for (Transport t : all.values()) {
            sb.append(first ? "" : ", ").append(shortSyntax(t));
            first = false;
        }
        return sb.toString();
    }

    /** The syntax without its explanation in parentheses, e.g. {@code shm:<name>}. */
    private static String shortSyntax(Transport t) {
        String s = t.syntax();
        int paren = s.indexOf(" (");
        return paren > 0 ? s.substring(0, paren) : s;
    }

    /** Every transport on the class path with its syntax and parameters, one line each. */
    public static String describeAll() {
        Map<String, Transport> all = all();
        if (all.isEmpty()) {
            return acceptedForms();
        }
        StringBuilder sb = new StringBuilder();
        for (Transport t : all.values()) {
            sb.append(describe(t)).append(System.lineSeparator());
        }
        return sb.toString();
    }

    public static String describe(Transport t) {
        StringBuilder sb = new StringBuilder(t.syntax());
        if (!t.parameters().isEmpty()) {
            sb.append("[?name=value&...] with parameters ");
            boolean first = true;
            for (TransportParameter p : t.parameters()) {
                sb.append(first ? "" : ", ").append(p);
                first = false;
            }
        }
        return sb.toString();
    }

    /** "create=, mode=, size=" */
    private static String parameterNames(Transport t) {
        StringBuilder sb = new StringBuilder();
        for (TransportParameter p : t.parameters()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.name()).append('=');
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** The transport for {@code address}, after checking its parameter names. */
    public static Transport forAddress(ChannelAddress address) throws IpcConfigException {
        Transport t = all().get(address.scheme());
        if (t == null) {
            String known = java.util.Set.of("pipe", "shm", "kmod").contains(address.scheme())
                    ? "scheme '" + address.scheme() + ":' of " + address.describe() + " needs the module myipc-"
                      + address.scheme() + " on the class path, which is missing"
                    : "unknown scheme '" + address.scheme() + ":' in " + address.describe();
            throw new IpcConfigException(known + "; " + acceptedForms() + " (parameters: IpcChannels.describeTransports())");
        }
        for (String name : address.params().keySet()) {
            boolean ok = t.parameters().stream().anyMatch(p -> p.name().equals(name));
            if (!ok) {
                throw new IpcConfigException("unknown parameter '" + name + "' in " + address.describe()
                        + ": use one of " + parameterNames(t) + " (" + t.scheme()
                        + ": parameters are listed by IpcChannels.describeTransports())");
            }
        }
        return t;
    }
}
