/**
 * The myipc API: open a channel end with {@link io.myipc.IpcChannels} by URI or logical name, then use it as a byte
 * stream with pipe semantics ({@link io.myipc.IpcWriter}, {@link io.myipc.IpcReader}), zero-copy
 * (claim/commit, view/release) or as length-prefixed messages. Transports are chosen by configuration.
 */
package io.myipc;
