/**
 * JNA direct-mapped libc ({@link io.myipc.internal.posix.LibC}), Linux constants, and errno turned into exceptions
 * that say what to do ({@link io.myipc.internal.posix.Errno}). Shared by all transports; not an API.
 */
package io.myipc.internal.posix;
