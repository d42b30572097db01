package io.myipc.internal;

import io.myipc.IpcConfigException;
import io.myipc.spi.ChannelAddress;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Maps a logical channel name to a URI: system property {@code myipc.channel.<name>}, then environment variable
 * {@code MYIPC_CHANNEL_<NAME>} (upper case, other characters than letters and digits become {@code _}), then the
 * entry {@code channel.<name>} of the properties file named by system property {@code myipc.config} or environment
 * variable {@code MYIPC_CONFIG}. A string that already is a URI ({@code scheme:...}) is returned as is.
 */
public final class ChannelResolver {
    public static final String PROPERTY_PREFIX = "myipc.channel.";
    public static final String ENV_PREFIX = "MYIPC_CHANNEL_";
    public static final String CONFIG_PROPERTY = "myipc.config";
    public static final String CONFIG_ENV = "MYIPC_CONFIG";
    public static final String FILE_PREFIX = "channel.";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Function<String, String> properties;
    private final Function<String, String> environment;

    public ChannelResolver(Function<String, String> properties, Function<String, String> environment) {
        this.properties = properties;
        this.environment = environment;
    }

    /** A resolver over {@link System#getProperty} and {@link System#getenv}. */
    public static ChannelResolver system() {
        return new ChannelResolver(System::getProperty, System::getenv);
    }

    public static String envName(String name) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Resolves {@code channel} (URI or logical name) to a URI string. */
    public String resolve(String channel, String acceptedForms) throws IpcConfigException {
        if (channel == null || channel.isBlank()) {
            throw new IpcConfigException("no channel given: pass a logical name like 'orders' or a URI; " + acceptedForms);
        }
        String c = channel.trim();
        if (ChannelAddress.looksLikeUri(c)) {
            return c;
        }
        if (!NAME.matcher(c).matches()) {
            throw new IpcConfigException("'" + c + "' is neither a channel URI nor a logical channel name (letters, digits, "
                    + "'.', '_', '-'): " + acceptedForms);
        }
        String v = properties.apply(PROPERTY_PREFIX + c);
        String source = "system property " + PROPERTY_PREFIX + c;
        if (v == null || v.isBlank()) {
            v = environment.apply(envName(c));
            source = "environment variable " + envName(c);
        }
        String file = properties.apply(CONFIG_PROPERTY);
        String fileSource = "system property " + CONFIG_PROPERTY;
        if (file == null || file.isBlank()) {
            file = environment.apply(CONFIG_ENV);
            fileSource = "environment variable " + CONFIG_ENV;
        }
        if ((v == null || v.isBlank()) && file != null && !file.isBlank()) {
            Properties p = load(Path.of(file.trim()), fileSource);
            v = p.getProperty(FILE_PREFIX + c);
            source = "entry " + FILE_PREFIX + c + " of " + file.trim();
        }
        if (v == null || v.isBlank()) {
            throw new IpcConfigException("channel '" + c + "' is not configured: set -D" + PROPERTY_PREFIX + c
                    + "=<uri>, " + envName(c) + "=<uri> or " + FILE_PREFIX + c + "=<uri> in the file named by -D"
                    + CONFIG_PROPERTY + (file == null || file.isBlank() ? " (none is set)" : " (" + file.trim() + ")")
                    + "; " + acceptedForms);
        }
        v = v.trim();
        if (!ChannelAddress.looksLikeUri(v)) {
            throw new IpcConfigException(source + " maps channel '" + c + "' to '" + v
                    + "', which is not a URI (<scheme>:<target>[?params]); " + acceptedForms);
        }
        return v;
    }

    private static Properties load(Path file, String source) throws IpcConfigException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new IpcConfigException("the channel configuration file " + file + " (from " + source
                    + ") does not exist: create it with lines channel.<name>=<uri>, or fix " + source);
        } catch (IOException | IllegalArgumentException e) {
            throw new IpcConfigException("cannot read the channel configuration file " + file + " (from " + source
                    + "): " + e.getMessage(), e);
        }
        return p;
    }
}
