package io.myipc.shm;

import io.myipc.IpcConfigException;
import io.myipc.internal.WaitParameters;
import io.myipc.internal.ring.RingDescriptor;
import io.myipc.spi.ChannelAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A parsed {@code shm:<name>?capacity=..&dir=..&mode=..&spins=..&yields=..} address; {@code spins} and {@code yields}
 * are {@link WaitParameters#ABSENT} when the URI does not give them.
 */
record ShmAddress(String uri, String channel, String describe, String name, Path dir, long capacity,
        boolean capacityGiven, int mode, int spins, int yields) {

    static final String DEFAULT_DIR = "/dev/shm";
    static final String DIR_PROPERTY = "myipc.shm.dir";
    /** Prefix of the system properties {@code myipc.shm.spins} and {@code myipc.shm.yields}. */
    static final String WAIT_PROPERTY_PREFIX = "myipc.shm";
    static final long DEFAULT_CAPACITY = 1 << 20;
    static final String FILE_PREFIX = "myipc-";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    static final String NAME_RULE = "1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit";
    static final String CAPACITY_RULE = "a power of two from 4KiB to 512MiB, written like 65536, 64KiB, 1MiB or 16M";

    static ShmAddress parse(ChannelAddress a) throws IpcConfigException {
        String name = a.target();
        if (!NAME.matcher(name).matches()) {
            throw new IpcConfigException("shm segment name '" + name + "' of " + a.describe()
                    + " is invalid: it must be " + NAME_RULE + ", e.g. shm:orders?capacity=1MiB");
        }
        long capacity = a.sizeParam("capacity", DEFAULT_CAPACITY, RingDescriptor.MIN_CAPACITY, RingDescriptor.MAX_CAPACITY);
        if (Long.bitCount(capacity) != 1) {
            throw a.bad("capacity", a.params().get("capacity"), CAPACITY_RULE);
        }
        String dirName = a.param("dir", System.getProperty(DIR_PROPERTY, DEFAULT_DIR));
        Path dir = Path.of(dirName);
        if (!dir.isAbsolute() || !Files.isDirectory(dir)) {
            throw a.bad("dir", dirName, "an existing absolute directory on a tmpfs (default " + DEFAULT_DIR
                    + ", or system property " + DIR_PROPERTY + ")");
        }
        int mode = a.modeParam("mode", 0600);
        return new ShmAddress(a.uri(), a.channel(), a.describe(), name, dir, capacity,
                a.params().containsKey("capacity"), mode, WaitParameters.count(a, "spins"),
                WaitParameters.count(a, "yields"));
    }

    Path path() {
        return dir.resolve(FILE_PREFIX + name);
    }
}
