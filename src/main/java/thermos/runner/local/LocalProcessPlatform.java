package thermos.runner.local;

import java.io.Closeable;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.config.RotatePolicy;
import thermos.monitor.DirectoryWatcher;
import thermos.runner.LaunchException;
import thermos.runner.LaunchRequest;
import thermos.runner.ProcessEvents;
import thermos.runner.ProcessPlatform;
import thermos.runner.RunRef;
import thermos.runner.Termination;

/**
 * The real platform: each run is a {@link Coordinator} in its own session ({@code setsid}),
 * followed through its coordinator file (woken by file events) and, as a backstop, its exit.
 * Processes are found and proven ours through {@code /proc}.
 */
public final class LocalProcessPlatform implements ProcessPlatform {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessPlatform.class);
  /** Marks every process of a task, so daemons that leave their session are still found. */
  public static final String TASK_MARKER = "THERMOS_TASK_ID";

  /** A run being followed. */
  private static final class Followed {
    final RunRef ref;
    final ProcessEvents events;
    final boolean reattached;
    boolean runningSent;
    boolean exitSent;

    Followed(RunRef ref, ProcessEvents events, boolean reattached) {
      this.ref = ref;
      this.events = events;
      this.reattached = reattached;
      this.runningSent = ref.pid() != null;
    }
  }

  private final TaskPath paths;
  private final String taskId;
  private final Clock clock;
  private final ProcTable procs;
  private final RunScanner scanner;
  private final String setsid;
  private final Map<String, Followed> followed = new HashMap<>();
  private final Map<String, CoordinatorLog> coordinatorLogs = new HashMap<>();
  private final LogPumpDrain pumpDrain;
  /** Whether this platform followed any run (only then can its task's log pumps matter). */
  private boolean followedAny;
  private Closeable watch;
  private ScheduledExecutorService poller;
  private ScheduledFuture<?> polling;

  /**
   * A platform for a task whose processes belong to the uid its header recorded (this process's
   * uid for a task that has none yet).
   *
   * @param taskStart seconds since the epoch when the task was launched: nothing older can be
   *     one of its processes
   */
  public LocalProcessPlatform(TaskPath paths, String taskId, Clock clock, double taskStart) {
    this(paths, taskId, clock, taskStart, TaskOwner.recordedUid(paths, taskId));
  }

  /**
   * @param ownerUid whose processes the task's are (SEMANTICS.md §1b.8): the uid the task's
   *     header records — not necessarily this process's (root taking over a user's task) — or
   *     null if unknown; processes of this process's uid (the ones it launches) are the task's
   *     too
   */
  public LocalProcessPlatform(TaskPath paths, String taskId, Clock clock, double taskStart,
      Integer ownerUid) {
    this(paths, taskId, clock, taskStart, ownerUid, findSetsid());
  }

  /** @param setsid the program that starts coordinators and log pumps in new sessions */
  LocalProcessPlatform(TaskPath paths, String taskId, Clock clock, double taskStart,
      String setsid) {
    this(paths, taskId, clock, taskStart, TaskOwner.recordedUid(paths, taskId), setsid);
  }

  private LocalProcessPlatform(TaskPath paths, String taskId, Clock clock, double taskStart,
      Integer ownerUid, String setsid) {
    this.paths = paths;
    this.taskId = taskId;
    this.clock = clock;
    this.procs = new ProcTable();
    int self = ProcTable.currentUid();
    Owner owner = new Owner(ownerUid != null ? ownerUid : self, self);
    this.scanner = new RunScanner(procs, owner, taskId, taskStart, new ProcessSignaller(), clock,
        Pause.REAL);
    this.pumpDrain = new LogPumpDrain(procs, owner, taskId, taskStart, clock);
    this.setsid = setsid;
  }

  // ---- launching and following ----

  @Override
  public synchronized RunRef launch(LaunchRequest request, ProcessEvents events)
      throws LaunchException {
    ensureWatching();
    ProcessBuilder pb = new ProcessBuilder();
    pb.directory(request.workingDirectory().toFile());
    pb.redirectInput(Redirect.from(new java.io.File("/dev/null")));
    LogPumpScript.Mode pump = ProcessOutput.prepare(pb, request.logDir(), request.logger());
    pb.command(coordinatorCommand(request, pump));
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(request.environment());
    env.keySet().removeIf(Coordinator::childOnly);
    env.remove(LogPumpScript.MARKER);
    env.put(TASK_MARKER, taskId);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw ProcessOutput.launchFailure(request.process(), e);
    }
    RunRef ref = new RunRef(request.process(), request.run(), (int) process.pid(),
        clock.currentTimeSeconds(), null, null);
    String key = key(request.process(), request.run());
    followedAny = true;
    followed.put(key, new Followed(ref, events, false));
    process.onExit().thenRun(() -> coordinatorGone(key));
    readCoordinatorLog(request.process());
    return ref;
  }

  /** {@code setsid bash -c COORDINATOR ARGS...} (see {@link Coordinator} for the arguments). */
  private List<String> coordinatorCommand(LaunchRequest request, LogPumpScript.Mode pump) {
    List<String> cmd = new ArrayList<>(List.of(setsid, "/bin/bash", "-c",
        pump == null ? Coordinator.SCRIPT : Coordinator.PIPED_SCRIPT,
        Coordinator.NAME, paths.processCheckpoint(taskId, request.process()).toString(),
        Integer.toString(request.run()),
        request.profile() == null ? "" : request.profile().toString(), request.cmdline()));
    if (pump == null) {
      cmd.addAll(List.of("", "", "", "", "", ""));
    } else {
      RotatePolicy rotate = request.logger().effectiveRotate();
      cmd.addAll(List.of(pump.arg(), request.logDir().toString(),
          Long.toString(rotate.logSize()), Integer.toString(rotate.backups()), setsid,
          LogPumpScript.SCRIPT));
    }
    request.environment().entrySet().stream()
        .filter(e -> Coordinator.childOnly(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> cmd.add(e.getKey() + "=" + e.getValue()));
    return cmd;
  }

  @Override
  public synchronized void reattach(RunRef ref, ProcessEvents events) {
    ensureWatching();
    String key = key(ref.process(), ref.run());
    followedAny = true;
    followed.put(key, new Followed(ref, events, true));
    // From the start of the file: its lines may have been read, and dropped as nobody's, while
    // it was not followed yet (a file event during the re-attachment of another process).
    coordinatorLogs.remove(ref.process());
    readCoordinatorLog(ref.process());
    checkReattached(key);
    if (followed.containsKey(key)) {
      ensurePolling();
    }
  }

  @Override
  public synchronized void forget(String process, int run) {
    followed.remove(key(process, run));
  }

  /** A launched coordinator exited: its exit line is in the file, or the run vanished. */
  private synchronized void coordinatorGone(String key) {
    Followed f = followed.get(key);
    if (f == null) {
      return;
    }
    readCoordinatorLog(f.ref.process());
    if (!f.exitSent) {
      followed.remove(key);
      f.events.vanished(f.ref.process(), f.ref.run());
    }
  }

  /** For a re-attached run (not our child): is its coordinator still there? */
  private void checkReattached(String key) {
    Followed f = followed.get(key);
    if (f == null || f.exitSent || coordinatorAlive(f.ref)) {
      return;
    }
    coordinatorGone(key);
  }

  private boolean coordinatorAlive(RunRef ref) {
    return procs.get(ref.coordinatorPid())
        .filter(ProcInfo::isAlive)
        .filter(p -> scanner.isCoordinatorOf(p, ref))
        .isPresent();
  }


  private void readCoordinatorLog(String process) {
    CoordinatorLog file = coordinatorLogs.computeIfAbsent(process,
        p -> new CoordinatorLog(paths.processCheckpoint(taskId, p)));
    for (CoordinatorLog.Event e : file.readNew()) {
      Followed f = followed.get(key(process, e.run()));
      if (f == null) {
        continue;
      }
      if (!e.exit() && !f.runningSent) {
        f.runningSent = true;
        f.events.running(process, e.run(), e.value(), e.time());
      } else if (e.exit() && !f.exitSent) {
        if (!f.runningSent) {
          continue; // a malformed file: an exit with no RUNNING line; the exit backstop decides
        }
        f.exitSent = true;
        followed.remove(key(process, e.run()));
        f.events.exited(process, e.run(), Termination.fromShellStatus(e.value()), e.time());
      }
    }
  }

  private synchronized void onFileEvent(Path name) {
    if (name == null) {
      for (Followed f : List.copyOf(followed.values())) {
        readCoordinatorLog(f.ref.process());
      }
      return;
    }
    String file = name.toString();
    if (file.startsWith(TaskPath.COORDINATOR_PREFIX)) {
      String process = file.substring(TaskPath.COORDINATOR_PREFIX.length());
      if (TaskPath.isValidComponent(process)) {
        readCoordinatorLog(process);
      }
    }
  }

  private void ensureWatching() {
    if (watch != null) {
      return;
    }
    Path dir = paths.checkpointDir(taskId);
    try {
      Files.createDirectories(dir);
      watch = DirectoryWatcher.of(dir.getFileSystem()).watch(dir, this::onFileEvent);
    } catch (IOException e) {
      log.warn("no file events for {} ({}); exits are noticed when coordinators exit", dir,
          e.toString());
    }
  }

  /** Re-attached coordinators are not our children: poll their liveness. */
  private void ensurePolling() {
    if (poller == null) {
      poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "thermos-liveness");
        t.setDaemon(true);
        return t;
      });
    }
    if (polling == null) {
      polling = poller.scheduleWithFixedDelay(this::pollReattached, 100, 100,
          TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void pollReattached() {
    for (Map.Entry<String, Followed> e : List.copyOf(followed.entrySet())) {
      if (e.getValue().reattached) {
        readCoordinatorLog(e.getValue().ref.process());
        checkReattached(e.getKey());
      }
    }
  }

  // ---- signals and scans ----

  @Override
  public int signalRun(RunRef ref, thermos.runner.Signal signal, boolean includeCoordinator) {
    return scanner.signalRuns(List.of(ref), signal, includeCoordinator);
  }

  @Override
  public int signalRuns(Collection<RunRef> runs, thermos.runner.Signal signal,
      boolean includeCoordinator) {
    return scanner.signalRuns(runs, signal, includeCoordinator);
  }

  @Override
  public boolean runAlive(RunRef ref) {
    return !scanner.aliveRuns(List.of(ref)).isEmpty();
  }

  @Override
  public Set<RunRef> aliveRuns(Collection<RunRef> runs) {
    return scanner.aliveRuns(runs);
  }

  @Override
  public int signalOrphans(Collection<RunRef> live, thermos.runner.Signal signal) {
    return scanner.signalOrphans(live, signal);
  }

  @Override
  public boolean orphansAlive(Collection<RunRef> live) {
    return scanner.orphansAlive(live);
  }

  @Override
  public int signalRunsAndOrphans(Collection<RunRef> runs, Collection<RunRef> live,
      thermos.runner.Signal signal, boolean includeCoordinator) {
    return scanner.signalRunsAndOrphans(runs, live, signal, includeCoordinator);
  }

  @Override
  public Leftovers leftovers(Collection<RunRef> runs, Collection<RunRef> live) {
    return scanner.leftovers(runs, live);
  }

  @Override
  public boolean killAll(Collection<RunRef> runs) {
    List<ProcInfo> left = scanner.killUntilGone(runs, KILL_ALL_BOUND_NANOS);
    if (!left.isEmpty()) {
      log.warn("task {}: still alive {} ms after SIGKILL (stuck in the kernel?): pids {}",
          taskId, KILL_ALL_BOUND_NANOS / 1_000_000, left.stream().map(ProcInfo::pid).toList());
    }
    return left.isEmpty();
  }

  /** How long the end of a task keeps killing what it finds (SIGKILL takes a few ms). */
  private static final long KILL_ALL_BOUND_NANOS = 2_000_000_000L;

  /** How long the runner waits for its task's log pumps to drain before it exits. */
  private static final Duration PUMP_DRAIN = Duration.ofSeconds(2);

  @Override
  public synchronized void close() {
    if (followedAny && !pumpDrain.await(PUMP_DRAIN)) {
      log.warn("log pumps of task {} still running after {} ms; their logs may be incomplete",
          taskId, PUMP_DRAIN.toMillis());
    }
    if (polling != null) {
      polling.cancel(false);
    }
    if (poller != null) {
      poller.shutdownNow();
    }
    if (watch != null) {
      try {
        watch.close();
      } catch (IOException ignored) {
        // nothing to release
      }
      watch = null;
    }
    followed.clear();
  }

  private static String key(String process, int run) {
    return process + "/" + run;
  }

  private static String findSetsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "setsid";
  }
}
