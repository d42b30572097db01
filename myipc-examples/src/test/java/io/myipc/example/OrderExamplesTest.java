package io.myipc.example;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two example programs as a user runs them: two JVMs on the class path of this project (the BOM plus
 * {@code io.myipc:myipc-all}), the transport of the logical channel {@code orders} chosen by configuration only: an
 * environment variable for the consumer, a system property for the producer.
 */
@Timeout(180)
class OrderExamplesTest {

    private static final int ORDERS = 25;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"pipe", "shm"})
    void theConsumerPrintsEveryOrderTheProducerWrote(String transport) throws Exception {
        String uri = switch (transport) {
            case "pipe" -> "pipe:" + dir.resolve("orders.fifo");
            case "shm" -> "shm:examples-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "?capacity=64KiB";
            default -> throw new IllegalArgumentException(transport);
        };
        Process consumer = start(OrderConsumer.class, List.of(), Map.of("MYIPC_CHANNEL_ORDERS", uri));
        Process producer = start(OrderProducer.class, List.of("-Dmyipc.channel.orders=" + uri), Map.of(),
                Integer.toString(ORDERS));

        String out = new String(consumer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(consumer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(producer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(producer.exitValue()).as("producer exit status").isZero();
        assertThat(consumer.exitValue()).as("consumer exit status").isZero();

        List<String> expected = new ArrayList<>();
        expected.add("reading orders from " + uri);
        for (int i = 1; i <= ORDERS; i++) {
            expected.add("got: order " + i);
        }
        assertThat(out.lines()).containsExactlyElementsOf(expected);
    }

    private static Process start(Class<?> main, List<String> jvmArgs, Map<String, String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED"); // JNA and FFM: no warning on new JDKs
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        return pb.start();
    }
}
