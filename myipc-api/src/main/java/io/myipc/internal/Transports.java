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

    /** "Accepted forms: pipe:/abs/path.fifo[?create=...]; shm:..." for error messages. */
    public static String acceptedForms() {
        Map<String, Transport> all = all();
        if (all.isEmpty()) {
            return "no transport is on the class path: add a transport module (myipc-pipe, myipc-shm, myipc-kmod)";
        }
        StringBuilder sb = new StringBuilder("accepted forms: ");
        boolean first = true;
        for (Transport t : all.values()) {
            if (!first) {
                sb.append("; ");
            }
            first = false;
            sb.append(describe(t));
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

    /** The transport for {@code address}, after checking its parameter names. */
    public static Transport forAddress(ChannelAddress address) throws IpcConfigException {
        Transport t = all().get(address.scheme());
        if (t == null) {
            String known = java.util.Set.of("pipe", "shm", "kmod").contains(address.scheme())
                    ? "scheme '" + address.scheme() + ":' of " + address.describe() + " needs the module myipc-"
                      + address.scheme() + " on the class path, which is missing"
                    : "unknown scheme '" + address.scheme() + ":' in " + address.describe();
            throw new IpcConfigException(known + "; " + acceptedForms());
        }
        for (String name : address.params().keySet()) {
            boolean ok = t.parameters().stream().anyMatch(p -> p.name().equals(name));
            if (!ok) {
                throw new IpcConfigException("unknown parameter '" + name + "' in " + address.describe()
                        + "; accepted form: " + describe(t));
            }
        }
        return t;
    }
}
