/**
 * Implementation shared by the API and the transports; public for the transport modules, not an API (it may
 * change without notice).
 */
package io.myipc.internal;
