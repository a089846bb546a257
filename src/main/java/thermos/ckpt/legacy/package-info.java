/**
 * Reading and importing legacy Thermos checkpoint roots (issue 5), read only.
 *
 * <ul>
 *   <li><b>Format.</b> {@link thermos.ckpt.legacy.LegacyCheckpointReader} reads Thermos' RecordIO
 *       framing ({@code u32 length | Thrift binary RunnerCkpt}, SEMANTICS.md §1b.3) with libthrift's
 *       {@code TBinaryProtocol}, by field id, into our protobuf records; the same
 *       {@link thermos.ckpt.CheckpointDispatcher} then replays them. Format name
 *       {@code thermos-legacy}.
 *   <li><b>Detection.</b> {@link thermos.ckpt.CheckpointFiles#open} looks at the first record of
 *       every log it opens ({@link thermos.ckpt.legacy.LegacyFormat#isLegacy}): a Thrift member
 *       header (STRUCT, id 1..3) where ours has its CRC, and no matching CRC. So {@code read},
 *       {@code status} and {@code TaskMonitor} read either format and say which.
 *   <li><b>Quirks are data.</b> A TaskStatus before the header, headers without {@code uid} or
 *       {@code log_dir}, tasks left ACTIVE by a dead runner and process records after the
 *       terminal TaskStatus all replay as they are.
 *   <li><b>Coordinator logs</b> ({@code coordinator.PROCESS}) hold only FORKED, RUNNING and
 *       terminal records. {@code read --simple} prints them as stored; {@code read} replays them
 *       in coordinator mode ({@link thermos.ckpt.legacy.CoordinatorLogSource}), supplying each
 *       run's missing WAITING record and saying so in its output.
 *   <li><b>Import.</b> {@link thermos.ckpt.legacy.LegacyImporter} rewrites runner checkpoints in
 *       our format and copies task JSON sentinels (and, if asked, logs to
 *       {@code ROOT/logs/TASK_ID}); atomic, fsynced, idempotent, never overwriting another task.
 *       Coordinator logs are not imported: the runner checkpoint already holds their records.
 * </ul>
 */
package thermos.ckpt.legacy;
