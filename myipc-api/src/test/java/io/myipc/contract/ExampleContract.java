package io.myipc.contract;

import io.myipc.example.OrderConsumer;
import io.myipc.example.OrderProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README example: {@link OrderProducer} and {@link OrderConsumer} run as two processes and talk through the
 * logical channel {@code orders}, mapped to this transport by configuration only (a system property for one
 * program, an environment variable or a properties file for the other).
 */
@Timeout(120)
public abstract class ExampleContract extends ContractBase {
    ExampleContract(TransportContract transport) {
        super(transport);
    }


    private Process start(Class<?> main, List<String> jvmArgs, Map<String, String> env, String... args)
            throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(crossProcess(), "the transport works within one process only");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED"); // JNA and FFM: no warning on new JDKs
        cmd.addAll(CHILD_JVM_ARGS);
        cmd.addAll(ONE_SHOT_JVM_ARGS);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void assertConsumerOutput(Process consumer, Process producer, String uri) throws Exception {
        String out = new String(consumer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(consumer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(producer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(producer.exitValue()).isZero();
        assertThat(consumer.exitValue()).isZero();
        assertThat(out.lines()).containsExactly("reading orders from " + uri, "got: order 1", "got: order 2",
                "got: order 3");
    }

    @Test
    void theExampleProgramsTalkThroughAChannelChosenBySystemPropertyAndEnvironment() throws Exception {
        String uri = newChannelUri();
        Process consumer = start(OrderConsumer.class, List.of("-Dmyipc.channel.orders=" + uri), Map.of());
        Process producer = start(OrderProducer.class, List.of(), Map.of("MYIPC_CHANNEL_ORDERS", uri), "3");
        assertConsumerOutput(consumer, producer, uri);
    }

    @Test
    void theExampleProgramsTalkThroughAChannelChosenByAPropertiesFile() throws Exception {
        String uri = newChannelUri();
        Path file = Files.createTempFile("myipc", ".properties");
        try {
            Files.writeString(file, "channel.orders=" + uri + "\n");
            Process consumer = start(OrderConsumer.class, List.of("-Dmyipc.config=" + file), Map.of());
            Process producer = start(OrderProducer.class, List.of(), Map.of("MYIPC_CONFIG", file.toString()), "3");
            assertConsumerOutput(consumer, producer, uri);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
