package io.myipc.spi;

/**
 * A query parameter a transport accepts.
 *
 * @param name         the parameter name, e.g. {@code capacity}
 * @param defaultValue the value used when absent (for the error messages), or {@code null} if none
 * @param description  what it does and the accepted values, e.g. {@code "ring size, a power of two: 64KiB, 1MiB"}
 */
public record TransportParameter(String name, String defaultValue, String description) {
    @Override
    public String toString() {
        return name + "=<" + description + ">" + (defaultValue == null ? "" : " (default " + defaultValue + ")");
    }
}
