package io.myipc.internal.ring;

/** The two ends of an SPSC ring. */
public enum RingSide {
    /** The writer: advances {@code tail}, sleeps when the ring is full. */
    PRODUCER,
    /** The reader: advances {@code head}, sleeps when the ring is empty. */
    CONSUMER;

    /** The other end. */
    public RingSide peer() {
        return this == PRODUCER ? CONSUMER : PRODUCER;
    }
}
