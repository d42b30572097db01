/**
 * The transport SPI: implement {@link io.myipc.spi.Transport} with its {@link io.myipc.spi.WriterEnd} and
 * {@link io.myipc.spi.ReaderEnd} and register it in {@code META-INF/services/io.myipc.spi.Transport}. The API layer
 * adds name resolution, parameter checks, timeouts, interrupt/close handling, ByteBuf adapters, copy-based
 * claim/view for transports without shared memory, and message framing.
 */
package io.myipc.spi;
