/**
 * The Java front end of the myipc benchmark.
 *
 * <pre>
 * mvn -o -q -pl myipc-pipe,myipc-shm,myipc-kmod -am install -DskipTests   # once: the modules it measures
 * mvn -pl myipc-bench compile exec:java -Dexec.args="--quick"             # files in myipc-bench/target/bench
 * mvn -pl myipc-bench exec:java -Dexec.args="--quick --include native.json"   # merge the C benchmark's results
 * mvn -pl myipc-bench exec:java -Dexec.args="--vm 6.12 --quick"           # inside the VM (icount), driver loaded
 * mvn -pl myipc-bench exec:java -Dexec.args="--self-test"                # correctness pass + injected corruption
 * mvn -pl myipc-bench exec:java -Dexec.args="--jmh"                      # JMH (short default; JMH args may follow)
 * </pre>
 *
 * <p>{@link io.myipc.bench.BenchRunner} starts one peer JVM ({@link io.myipc.bench.Peer}) and drives it over its
 * stdin/stdout; the measured bytes go through {@code IpcChannels} only. {@link io.myipc.bench.Measure} holds both
 * sides of every measurement; {@link io.myipc.bench.Report} and {@link io.myipc.bench.SvgChart} write
 * results.json (format: myipc-bench/RESULTS.md), results.csv, report.md and chart.svg.
 *
 * <p>One mechanism has one name in both front ends (the C benchmark's names are the Java ones), so the report's
 * "Java vs C" column pairs records of equal transport names. Every timed throughput run does the work of
 * {@link io.myipc.bench.FairWork} (every byte written, read and checksummed); every point is a warm-up pass and
 * {@code --repeats} timed repeats ({@link io.myipc.bench.Spread}). The driver rows: {@code kmod-spsc} /
 * {@code kmod-mutex} / {@code kmod-1m} switch the devices'
 * copy-path mode first ({@link io.myipc.kmod.KmodAdmin#setSyncMode}: {@code /sys/class/myipc/myipcN/sync}, or the
 * module's {@code sync=} when the driver has no such attribute, the other row then skipped with the reason);
 * {@code kmod-mmap} / {@code kmod-mmap-1m} size both rings before either end maps them
 * ({@link io.myipc.kmod.KmodAdmin#holdRingSize}).
 */
package io.myipc.bench;
