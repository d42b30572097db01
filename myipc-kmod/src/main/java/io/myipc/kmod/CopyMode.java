package io.myipc.kmod;

import io.myipc.internal.fd.FdReaderEnd;
import io.myipc.internal.fd.FdWriterEnd;
import io.myipc.internal.fd.FifoOpen;
import io.myipc.internal.posix.LibC;
import io.myipc.spi.OpenContext;
import io.myipc.spi.ReaderEnd;
import io.myipc.spi.WriterEnd;

import java.io.IOException;

/**
 * {@code mode=copy}: the device is used exactly like a FIFO, so the ends are the shared descriptor ends
 * ({@link FdReaderEnd}, {@link FdWriterEnd}: non-blocking read/write, poll plus an eventfd for wake-ups; untimed calls
 * one blocking system call on a blocking twin of the descriptor, as for {@code pipe:}) and the open is the FIFO
 * rendezvous ({@link FifoOpen}). Only the checks around the open are the driver's own. The twin is a second open of
 * the device by this end ({@code /proc/self/fd/<fd>}), counted by the driver like any opener and closed with the end.
 */
final class CopyMode {
    private CopyMode() {
    }

    static WriterEnd openWriter(KmodConfig cfg, OpenContext ctx) throws IOException {
        KmodDevice.checkPath(cfg);
        int fd = FifoOpen.openWriter(cfg.path(), cfg.address(), ctx);
        try {
            KmodDevice.checkAnswers(cfg, fd);
            if (cfg.size() > 0) {
                KmodDevice.setSize(cfg, fd, cfg.size());
            }
        } catch (IOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        FdWriterEnd end = new FdWriterEnd(fd, cfg.path(), cfg.address().describe(), true);
        end.countersFrom(() -> KmodStats.read(fd, cfg.address().describe()));
        return end;
    }

    static ReaderEnd openReader(KmodConfig cfg, OpenContext ctx) throws IOException {
        KmodDevice.checkPath(cfg);
        int fd = FifoOpen.openReader(cfg.path(), cfg.address(), ctx);
        try {
            KmodDevice.checkAnswers(cfg, fd);
        } catch (IOException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
        FdReaderEnd end = new FdReaderEnd(fd, cfg.path(), cfg.address().describe(), true);
        end.countersFrom(() -> KmodStats.read(fd, cfg.address().describe()));
        return end;
    }
}
