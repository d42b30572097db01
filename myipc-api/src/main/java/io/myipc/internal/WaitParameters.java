package io.myipc.internal;

import io.myipc.IpcConfigException;
import io.myipc.IpcOptions;
import io.myipc.WaitStrategy;
import io.myipc.spi.ChannelAddress;
import io.myipc.spi.TransportParameter;

import java.util.List;
import java.util.Locale;

/**
 * The URI parameters {@code spins} and {@code yields} of the ring transports and the order in which a
 * {@link WaitStrategy} is chosen: URI, {@link IpcOptions#waitStrategy()}, system properties
 * {@code <prefix>.spins}/{@code <prefix>.yields}, {@link WaitStrategy#hybrid()}.
 */
public final class WaitParameters {
    /** Marks a count the URI does not give. */
    public static final int ABSENT = -1;
    private static final String EXPECTED = "a count in 0.." + Integer.MAX_VALUE + " or 'forever'";

    private WaitParameters() {
    }

    /**
     * The two parameters for {@code Transport.parameters()}, naming the system properties that set the defaults;
     * {@code scope} (e.g. {@code "mode=mmap only: "}) starts each description.
     */
    public static List<TransportParameter> parameters(String propertyPrefix, String scope) {
        return List.of(
                new TransportParameter("spins", WaitStrategy.DEFAULT_SPINS + " (or system property " + propertyPrefix
                        + ".spins)", scope + "busy checks before a waiting side yields, 0.. or forever (never"
                        + " sleeps)"),
                new TransportParameter("yields", WaitStrategy.DEFAULT_YIELDS + " (or system property "
                        + propertyPrefix + ".yields)", scope + "Thread.yield checks before it sleeps in the kernel;"
                        + " spins=0&yields=0 sleeps at once"));
    }

    /** The value of URI parameter {@code name} ({@code spins} or {@code yields}), or {@link #ABSENT}. */
    public static int count(ChannelAddress a, String name) throws IpcConfigException {
        String v = a.params().get(name);
        if (v == null) {
            return ABSENT;
        }
        return parse(v, () -> a.bad(name, v, EXPECTED));
    }

    /**
     * The strategy of one end: {@code uriSpins}/{@code uriYields} (or {@link #ABSENT}) over the options' strategy,
     * over the system properties {@code <prefix>.spins}/{@code <prefix>.yields}, over the default.
     */
    public static WaitStrategy resolve(int uriSpins, int uriYields, IpcOptions options, String propertyPrefix)
            throws IpcConfigException {
        WaitStrategy base = options.waitStrategy();
        int spins;
        int yields;
        if (base != null) {
            spins = base.spins();
            yields = base.yields();
        } else {
            spins = property(propertyPrefix + ".spins", WaitStrategy.DEFAULT_SPINS);
            yields = property(propertyPrefix + ".yields", WaitStrategy.DEFAULT_YIELDS);
        }
        if (uriSpins != ABSENT) {
            spins = uriSpins;
        }
        if (uriYields != ABSENT) {
            yields = uriYields;
        }
        if (base != null && spins == base.spins() && yields == base.yields()) {
            return base;
        }
        if (spins == WaitStrategy.DEFAULT_SPINS && yields == WaitStrategy.DEFAULT_YIELDS) {
            return WaitStrategy.hybrid();
        }
        return WaitStrategy.of(spins, yields);
    }

    private static int property(String key, int defaultValue) throws IpcConfigException {
        String v = System.getProperty(key);
        if (v == null) {
            return defaultValue;
        }
        return parse(v, () -> new IpcConfigException("system property " + key + " must be " + EXPECTED + ", got '"
                + v + "'"));
    }

    private interface Bad {
        IpcConfigException get();
    }

    private static int parse(String v, Bad bad) throws IpcConfigException {
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (t.equals("forever")) {
            return WaitStrategy.FOREVER;
        }
        try {
            int n = Integer.parseInt(t);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw bad.get();
    }
}
