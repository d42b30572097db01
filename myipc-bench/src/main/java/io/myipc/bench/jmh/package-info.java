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
 */
package io.myipc.bench.jmh;
