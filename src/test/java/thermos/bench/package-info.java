/**
 * JMH benchmarks of the checkpoint core (issue 2), run on demand, never by the tests. Each class
 * says what it measures and its target. Run one group with modest settings (2-core machine):
 *
 * <pre>
 * mvn -B -q test-compile exec:exec -Pbench -Dbench.args='AppendBench -f 1 -wi 3 -i 5'
 * mvn -B -q test-compile exec:exec -Pbench -Dbench.args='AppendPairBench -f 1 -wi 3 -i 5'
 * mvn -B -q test-compile exec:exec -Pbench -Dbench.args='ReplayBench -f 1 -wi 3 -i 5'
 * mvn -B -q test-compile exec:exec -Pbench -Dbench.args='NoticeLatencyBench -f 1 -wi 3 -i 5'
 * mvn -B -q test-compile exec:exec -Pbench -Dbench.args='MonitorMemoryBench -f 1 -wi 1 -i 3'
 * mvn -B -q test-compile exec:exec -Pbench -Dbench.args='StatusScanBench -f 1 -wi 3 -i 5'
 * </pre>
 *
 * Scratch files go to {@code target/bench-tmp} (the project's disk, so fsync is real). For the
 * end-to-end {@code status} timing, {@link thermos.bench.StatusScanBench#main} builds a root of
 * 10,000 tasks to point {@code java -jar target/thermos.jar status --root ROOT} at.
 */
package thermos.bench;
