/**
 * JMH benchmarks of the Java hot path, in one JVM: {@link io.myipc.bench.jmh.ApiHotPathBench} (every API call on
 * {@code pipe:} and {@code shm:}), {@link io.myipc.bench.jmh.RingBaselineBench} (the bare ring under it) and
 * {@link io.myipc.bench.jmh.PingPongBench}. Run them with the
 * allocation profiler (the goal is {@code gc.alloc.rate.norm} of 0 B/op on every call):
 *
 * <pre>
 * mvn -q -pl myipc-bench -am test-compile exec:java \
 *     -Dexec.args="--jmh -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc io.myipc.bench.jmh.ApiHotPathBench"
 * </pre>
 *
 * <p>{@code myipc-bench/jmh-alloc-check [--out DIR]} is the allocation gate of the test command: it runs every
 * benchmark of {@code ApiHotPathBench} (on {@code pipe:} and {@code shm:}) and of {@code RingBaselineBench} with
 * {@code -f 1 -wi 3 -w 300ms -i 3 -r 300ms -prof gc -rf json} (about 2 minutes on the 2-core host with the build;
 * {@code JMH_ALLOC_ARGS} replaces these options), prints one TAP line per benchmark and transport with its
 * {@code gc.alloc.rate.norm} and ns/op, fails any at 1 B/op or more (or without a result), prints
 * {@code writeTryRead} over the bare ring's {@code writeRead} as a ratio (a reported figure, never asserted) and ends
 * with {@code jmh-alloc: N passed, M failed}; {@code --out DIR} keeps the JSON and the log. The limit is 1 B/op and
 * not 0 because the profiler counts every thread's allocation during an iteration, JMH's own included, and divides
 * it by the operations: a steady background shows as rate &times; time per call, while one 16-byte object in every
 * call shows as 16 B/op and one in every 16 calls still as 1 B/op. JMH's own background (~10-20 KB/s, up to 0.9 B/op
 * on a 70 us {@code pipe:} call on the loaded host) is measured on the bare ring's forks, which allocate nothing,
 * and taken out of each row (rate &times; its ns/op); the library's own stays in, such as {@code shm:}'s periodic
 * {@code /proc} liveness read (~150 KB/s, 0.02-0.7 B/op here).
 */
package io.myipc.bench.jmh;
