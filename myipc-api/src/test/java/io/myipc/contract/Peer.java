package io.myipc.contract;

import io.myipc.IpcChannels;
import io.myipc.IpcEnd;
import io.myipc.IpcOptions;
import io.myipc.IpcReader;
import io.myipc.IpcWriter;
import io.myipc.PeerClosedException;
import io.netty.buffer.ByteBuf;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The other end of a contract test, run in a thread of the test JVM or in a child JVM that serves one
 * script after another ({@code java -cp <class path> io.myipc.contract.Peer}, see {@link #main}).
 *
 * <p>Commands (run in order; the first failure ends the peer with exit status 1 and a stack trace on stderr):
 * <pre>
 * open                          open the end (no timeout); prints OPENED
 * open-timeout=ms               open with a timeout
 * ready                         print READY (the test waits for it)
 * await                         wait for a line from the test (stdin)
 * sleep=ms
 * write-pattern=total,chunk     write total pattern bytes, in chunks (chunk 0: random 1..70000)
 * claim-pattern=total,chunk     the same through claim/commit
 * read-verify=total,chunk       read and check total bytes (chunk 0: random buffer sizes)
 * view-verify=total             the same through view/release
 * expect-eof                    the next read returns -1
 * drain-verify                  read and check pattern bytes until end of stream; prints TOTAL n
 * write-messages=count,min,max  messages of pattern sizes min..max
 * read-messages=count,min,max   read and check them
 * claim-messages=count,min,max  write them through claimMessage/commitMessage
 * view-messages=count,min,max   read them through viewMessage/releaseMessage
 * write-sized=s1/s2/...         messages of the given sizes (message k has size s_k)
 * read-sized=s1/s2/...
 * expect-message-eof            readMessage returns null
 * write-until-epipe             write until PeerClosedException; prints EPIPE
 * close
 * hang                          wait forever (until killed or interrupted)
 * </pre>
 */
public final class Peer {
    private final String role;
    private final String channel;
    private final BlockingLines in;
    private final Consumer<String> out;
    private IpcEnd end;

    /** Source of lines from the test. */
    public interface BlockingLines {
        String take() throws Exception;
    }

    public Peer(String role, String channel, BlockingLines in, Consumer<String> out) {
        this.role = role;
        this.channel = channel;
        this.in = in;
        this.out = out;
    }

    /** Lines of the child protocol that are not script input or output start with this. */
    static final String CONTROL = "#peer:";

    /**
     * A child JVM that runs scripts one after another, so a test suite pays a JVM start once per
     * process it keeps, not once per case (under emulation a start costs seconds). On stdin:
     * {@code #peer:RUN<tab>role<tab>channel<tab>command...} starts a script in a new thread,
     * {@code #peer:STOP} interrupts it, and any other line is input for its {@code await}. On stdout the
     * script's lines, then {@code #peer:DONE 0} (or {@code 1}, with the stack trace on stderr) when it ends.
     * End of stdin ends the JVM.
     */
    public static void main(String[] args) throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream stdout = System.out;
        Consumer<String> out = line -> {
            synchronized (stdout) {
                stdout.println(line);
                stdout.flush();
            }
        };
        Script script = null;
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.startsWith(CONTROL + "RUN\t")) {
                if (script != null) {
                    script.thread.join(); // the test sends RUN only after DONE
                }
                script = new Script(line.substring(CONTROL.length() + 4).split("\t", -1), out);
            } else if (line.equals(CONTROL + "STOP")) {
                if (script != null) {
                    script.stop();
                }
            } else if (script != null) {
                script.input.add(line);
            }
        }
        if (script != null) {
            script.stop();
            script.thread.join(10_000);
        }
    }

    /** One script in a child JVM, in a thread of its own so that STOP can interrupt it. */
    private static final class Script {
        final BlockingQueue<String> input = new LinkedBlockingQueue<>();
        final Thread thread;
        private volatile boolean stopped;

        Script(String[] fields, Consumer<String> out) {
            Peer peer = new Peer(fields[0], fields[1], input::take, out);
            String[] commands = Arrays.copyOfRange(fields, 2, fields.length);
            thread = new Thread(() -> {
                int status = 0;
                try {
                    peer.run(commands);
                } catch (Throwable e) {
                    status = 1;
                    if (!stopped) { // a stopped script's interruption is no failure to report
                        System.err.println("Peer " + fields[0] + " " + fields[1] + " failed:");
                        e.printStackTrace();
                        System.err.flush();
                    }
                }
                out.accept(CONTROL + "DONE " + status);
            }, "peer-" + fields[0]);
            thread.start();
        }

        void stop() {
            stopped = true;
            thread.interrupt();
        }
    }

    public void run(String... script) throws Exception {
        try {
            for (String cmd : script) {
                step(cmd);
            }
        } finally {
            if (end != null) {
                end.close();
            }
        }
    }

    private IpcWriter writer() {
        return (IpcWriter) end;
    }

    private IpcReader reader() {
        return (IpcReader) end;
    }

    private void step(String cmd) throws Exception {
        int eq = cmd.indexOf('=');
        String name = eq < 0 ? cmd : cmd.substring(0, eq);
        String arg = eq < 0 ? "" : cmd.substring(eq + 1);
        long[] a = parse(arg);
        switch (name) {
            case "open" -> open(IpcOptions.defaults());
            case "open-timeout" -> open(IpcOptions.defaults().withOpenTimeout(Duration.ofMillis(a[0])));
            case "ready" -> out.accept("READY");
            case "await" -> in.take();
            case "sleep" -> Thread.sleep(a[0]);
            case "write-pattern" -> writePattern(a[0], (int) a[1], false);
            case "claim-pattern" -> writePattern(a[0], (int) a[1], true);
            case "read-verify" -> readVerify(a[0], (int) a[1]);
            case "view-verify" -> viewVerify(a[0]);
            case "expect-eof" -> {
                int n = reader().read(ByteBuffer.allocate(16));
                check(n == -1, "expected end of stream, read returned " + n);
            }
            case "write-messages" -> writeMessages(a[0], (int) a[1], (int) a[2], false);
            case "claim-messages" -> writeMessages(a[0], (int) a[1], (int) a[2], true);
            case "read-messages" -> readMessages(a[0], (int) a[1], (int) a[2], false);
            case "view-messages" -> readMessages(a[0], (int) a[1], (int) a[2], true);
            case "write-sized" -> {
                for (int k = 0; k < a.length; k++) {
                    writer().writeMessage(message(k, (int) a[k]));
                }
            }
            case "read-sized" -> {
                for (int k = 0; k < a.length; k++) {
                    ByteBuf m = reader().readMessage();
                    check(m != null, "end of stream before message " + k);
                    checkMessage(k, (int) a[k], m);
                }
            }
            case "expect-message-eof" -> {
                ByteBuf m = reader().readMessage();
                check(m == null, "expected end of stream, got a message of " + (m == null ? 0 : m.readableBytes()));
            }
            case "write-until-epipe" -> {
                ByteBuffer b = ByteBuffer.allocateDirect(4096);
                try {
                    while (true) {
                        writer().write(b.clear());
                    }
                } catch (PeerClosedException e) {
                    out.accept("EPIPE");
                }
            }
            case "drain-verify" -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(65536);
                long i = 0;
                int r;
                while ((r = reader().read(buf.clear())) != -1) {
                    for (int j = 0; j < r; j++) {
                        check(buf.get(j) == Patterns.streamByte(i + j), "byte " + (i + j) + " is wrong");
                    }
                    i += r;
                }
                out.accept("TOTAL " + i);
            }
            case "close" -> {
                end.close();
                out.accept("CLOSED");
            }
            case "hang" -> Thread.sleep(Long.MAX_VALUE);
            default -> throw new IllegalArgumentException("unknown peer command: " + cmd);
        }
    }

    private void open(IpcOptions options) throws Exception {
        if (role.equals("writer")) {
            end = IpcChannels.openWriter(channel, options);
        } else if (role.equals("reader")) {
            end = IpcChannels.openReader(channel, options);
        } else {
            throw new IllegalArgumentException("role must be writer or reader: " + role);
        }
        out.accept("OPENED");
    }

    private static long[] parse(String arg) {
        if (arg.isEmpty()) {
            return new long[0];
        }
        String[] parts = arg.split("[,/]");
        long[] r = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            r[i] = Long.parseLong(parts[i].trim());
        }
        return r;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    private void writePattern(long total, int chunk, boolean claim) throws Exception {
        Random rnd = new Random(total ^ chunk);
        ByteBuffer buf = ByteBuffer.allocateDirect(70_000);
        long i = 0;
        while (i < total) {
            int n = (int) Math.min(total - i, chunk > 0 ? chunk : 1 + rnd.nextInt(70_000));
            if (claim) {
                n = Math.min(n, writer().maxClaimSize());
                ByteBuf c = writer().claim(n);
                for (int j = 0; j < n; j++) {
                    c.writeByte(Patterns.streamByte(i + j));
                }
                writer().commit(n);
            } else {
                buf.clear().limit(n);
                for (int j = 0; j < n; j++) {
                    buf.put(j, Patterns.streamByte(i + j));
                }
                int w = writer().write(buf);
                check(w == n && !buf.hasRemaining(), "blocking write wrote " + w + " of " + n);
            }
            i += n;
        }
    }

    private void readVerify(long total, int chunk) throws Exception {
        Random rnd = new Random(total * 31 + chunk);
        ByteBuffer buf = chunk == 1 ? ByteBuffer.allocate(1) : ByteBuffer.allocateDirect(70_000);
        long i = 0;
        while (i < total) {
            int n = (int) Math.min(total - i, chunk > 0 ? chunk : 1 + rnd.nextInt(70_000));
            buf.clear().limit(n);
            int r = reader().read(buf);
            check(r != -1, "end of stream after " + i + " of " + total + " bytes");
            check(r > 0 && r <= n, "read returned " + r + " for a buffer of " + n);
            for (int j = 0; j < r; j++) {
                byte want = Patterns.streamByte(i + j);
                if (buf.get(j) != want) {
                    throw new AssertionError("byte " + (i + j) + " is " + buf.get(j) + ", expected " + want);
                }
            }
            i += r;
        }
    }

    private void viewVerify(long total) throws Exception {
        long i = 0;
        while (i < total) {
            ByteBuf v = reader().view();
            check(v.readableBytes() > 0, "end of stream after " + i + " of " + total + " bytes");
            check(!v.isWritable() || v.isReadOnly(), "view must be read-only");
            int n = (int) Math.min(v.readableBytes(), total - i);
            for (int j = 0; j < n; j++) {
                byte want = Patterns.streamByte(i + j);
                if (v.getByte(v.readerIndex() + j) != want) {
                    throw new AssertionError("byte " + (i + j) + " is " + v.getByte(j) + ", expected " + want);
                }
            }
            reader().release(n);
            i += n;
        }
    }

    static ByteBuffer message(long k, int size) {
        ByteBuffer m = ByteBuffer.allocate(size);
        for (int j = 0; j < size; j++) {
            m.put(j, Patterns.messageByte(k, j));
        }
        return m;
    }

    static void checkMessage(long k, int size, ByteBuf m) {
        if (m.readableBytes() != size) {
            throw new AssertionError("message " + k + " has " + m.readableBytes() + " bytes, expected " + size);
        }
        int r = m.readerIndex();
        for (int j = 0; j < size; j++) {
            if (m.getByte(r + j) != Patterns.messageByte(k, j)) {
                throw new AssertionError("message " + k + " byte " + j + " is " + m.getByte(r + j) + ", expected "
                        + Patterns.messageByte(k, j));
            }
        }
    }

    private void writeMessages(long count, int min, int max, boolean claim) throws Exception {
        ByteBuffer m = ByteBuffer.allocateDirect(Math.max(max, 1));
        for (long k = 0; k < count; k++) {
            int size = Patterns.messageSize(k, min, max);
            if (claim) {
                ByteBuf c = writer().claimMessage(size);
                for (int j = 0; j < size; j++) {
                    c.writeByte(Patterns.messageByte(k, j));
                }
                writer().commitMessage(size);
            } else {
                m.clear().limit(size);
                for (int j = 0; j < size; j++) {
                    m.put(j, Patterns.messageByte(k, j));
                }
                writer().writeMessage(m);
            }
        }
    }

    private void readMessages(long count, int min, int max, boolean view) throws Exception {
        for (long k = 0; k < count; k++) {
            ByteBuf m = view ? reader().viewMessage() : reader().readMessage();
            check(m != null, "end of stream before message " + k + " of " + count);
            checkMessage(k, Patterns.messageSize(k, min, max), m);
            if (view) {
                reader().releaseMessage();
            }
        }
    }
}
