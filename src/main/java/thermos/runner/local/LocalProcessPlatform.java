package thermos.runner.local;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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
import thermos.config.LoggerConfig;
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
  /** How far a coordinator's start may be from its checkpointed fork time (Thermos: 10 s). */
  private static final double START_TOLERANCE_SECS = 10;

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
  private final int uid;
  private final double taskStart;
  private final ProcTable procs;
  private final ProcessSignaller signaller;
  private final String setsid;
  private final Map<String, Followed> followed = new HashMap<>();
  private final Map<String, CoordinatorLog> coordinatorLogs = new HashMap<>();
  private Closeable watch;
  private ScheduledExecutorService poller;
  private ScheduledFuture<?> polling;

  /**
   * @param taskStart seconds since the epoch when the task was launched: nothing older can be
   *     one of its processes
   */
  public LocalProcessPlatform(TaskPath paths, String taskId, Clock clock, double taskStart) {
    this.paths = paths;
    this.taskId = taskId;
    this.clock = clock;
    this.procs = new ProcTable();
    this.uid = ProcTable.currentUid();
    this.taskStart = taskStart;
    this.signaller = new ProcessSignaller();
    this.setsid = findSetsid();
  }

  // ---- launching and following ----

  @Override
  public synchronized RunRef launch(LaunchRequest request, ProcessEvents events)
      throws LaunchException {
    ensureWatching();
    Path coordinatorFile = paths.processCheckpoint(taskId, request.process());
    ProcessBuilder pb = new ProcessBuilder(setsid, "/bin/bash", "-c", Coordinator.SCRIPT,
        Coordinator.NAME, coordinatorFile.toString(), Integer.toString(request.run()),
        request.profile() == null ? "" : request.profile().toString(), request.cmdline());
    pb.directory(request.workingDirectory().toFile());
    pb.environment().clear();
    pb.environment().putAll(request.environment());
    pb.environment().put(TASK_MARKER, taskId);
    pb.redirectInput(Redirect.from(new java.io.File("/dev/null")));
    LoggerConfig logger = request.logger();
    boolean piped;
    Process process;
    try {
      piped = redirectOutput(pb, request.logDir(), logger);
      process = pb.start();
    } catch (IOException e) {
      throw new LaunchException("cannot start " + request.process() + ": " + e.getMessage(), e);
    }
    RunRef ref = new RunRef(request.process(), request.run(), (int) process.pid(),
        clock.currentTimeSeconds(), null, null);
    if (piped) {
      startPumps(process, request, logger);
    }
    String key = key(request.process(), request.run());
    followed.put(key, new Followed(ref, events, false));
    process.onExit().thenRun(() -> coordinatorGone(key));
    readCoordinatorLog(request.process());
    return ref;
  }

  /** Sets the coordinator's stdout/stderr, which the user process inherits; true if piped. */
  private static boolean redirectOutput(ProcessBuilder pb, Path logDir, LoggerConfig logger)
      throws IOException {
    switch (logger.destination()) {
      case CONSOLE -> {
        pb.redirectOutput(Redirect.INHERIT).redirectError(Redirect.INHERIT);
        return false;
      }
      case NONE -> {
        pb.redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
        return false;
      }
      default -> {
        Files.createDirectories(logDir);
        if (logger.destination() == LoggerConfig.Destination.FILE
            && logger.mode() == LoggerConfig.Mode.STANDARD) {
          pb.redirectOutput(Redirect.appendTo(logDir.resolve("stdout").toFile()))
              .redirectError(Redirect.appendTo(logDir.resolve("stderr").toFile()));
          return false;
        }
        pb.redirectOutput(Redirect.PIPE).redirectError(Redirect.PIPE);
        return true;
      }
    }
  }

  private static void startPumps(Process process, LaunchRequest request, LoggerConfig logger) {
    boolean both = logger.destination() == LoggerConfig.Destination.BOTH;
    String name = request.process() + "/" + request.run();
    try {
      new LogPump(process.getInputStream(), fileSink(request.logDir().resolve("stdout"), logger),
          both ? System.out : null, name + "/stdout").start();
      new LogPump(process.getErrorStream(), fileSink(request.logDir().resolve("stderr"), logger),
          both ? System.err : null, name + "/stderr").start();
    } catch (IOException e) {
      log.warn("cannot open logs of {}: {}", name, e.toString());
    }
  }

  private static LogPump.Sink fileSink(Path file, LoggerConfig logger) throws IOException {
    if (logger.mode() == LoggerConfig.Mode.ROTATE) {
      RotatePolicy p = logger.effectiveRotate();
      return LogPump.Sink.of(new RotatingFile(file, p.logSize(), p.backups()));
    }
    return LogPump.Sink.of(new PrintStream(Files.newOutputStream(file,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)));
  }

  @Override
  public synchronized void reattach(RunRef ref, ProcessEvents events) {
    ensureWatching();
    String key = key(ref.process(), ref.run());
    followed.put(key, new Followed(ref, events, true));
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
        .filter(p -> isCoordinatorOf(p, ref))
        .isPresent();
  }

  private boolean isCoordinatorOf(ProcInfo p, RunRef ref) {
    return p.session() == ref.coordinatorPid() && p.uid() == uid
        && Math.abs(p.startTime() - ref.forkTime()) <= START_TOLERANCE_SECS;
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
    return signalRuns(List.of(ref), signal, includeCoordinator);
  }

  @Override
  public int signalRuns(Collection<RunRef> runs, thermos.runner.Signal signal,
      boolean includeCoordinator) {
    if (runs.isEmpty()) {
      return 0;
    }
    List<ProcInfo> table = procs.all();
    int n = 0;
    for (RunRef ref : runs) {
      for (ProcInfo p : runMembers(ref, table)) {
        if (p.pid() == ref.coordinatorPid() && !includeCoordinator) {
          continue;
        }
        if (signaller.send(p, signal)) {
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public boolean runAlive(RunRef ref) {
    return !runMembers(ref, procs.all()).isEmpty();
  }

  @Override
  public Set<RunRef> aliveRuns(Collection<RunRef> runs) {
    Set<RunRef> alive = new HashSet<>();
    if (runs.isEmpty()) {
      return alive;
    }
    List<ProcInfo> table = procs.all();
    for (RunRef ref : runs) {
      if (!runMembers(ref, table).isEmpty()) {
        alive.add(ref);
      }
    }
    return alive;
  }

  /**
   * The live processes of a run's session that are provably ours: same uid, and either the
   * coordinator itself (pid + start time) or a member started after it. If the coordinator's pid
   * now belongs to someone else, nothing in that session is ours.
   */
  private List<ProcInfo> runMembers(RunRef ref, List<ProcInfo> table) {
    List<ProcInfo> members = new ArrayList<>();
    for (ProcInfo p : table) {
      if (p.pid() == ref.coordinatorPid() && p.isAlive() && !isCoordinatorOf(p, ref)) {
        return List.of(); // pid reused by an unrelated process
      }
    }
    for (ProcInfo p : table) {
      if (p.session() == ref.coordinatorPid() && p.uid() == uid && p.isAlive()
          && p.startTime() >= ref.forkTime() - 1) {
        members.add(p);
      }
    }
    return members;
  }

  @Override
  public int signalOrphans(Collection<RunRef> live, thermos.runner.Signal signal) {
    int n = 0;
    for (ProcInfo p : orphans(live)) {
      if (signaller.send(p, signal)) {
        n++;
      }
    }
    return n;
  }

  @Override
  public boolean orphansAlive(Collection<RunRef> live) {
    return !orphans(live).isEmpty();
  }

  /** Processes carrying this task's marker outside every live run's session. */
  private List<ProcInfo> orphans(Collection<RunRef> live) {
    long self = ProcessHandle.current().pid();
    List<ProcInfo> found = new ArrayList<>();
    for (ProcInfo p : procs.all()) {
      if (p.pid() == self || !p.isAlive() || p.uid() != uid || p.startTime() < taskStart - 1) {
        continue;
      }
      boolean inLiveRun = live.stream().anyMatch(r -> r.coordinatorPid() == p.session());
      if (!inLiveRun && procs.hasEnvironment(p.pid(), TASK_MARKER, taskId)) {
        found.add(p);
      }
    }
    return found;
  }

  @Override
  public synchronized void close() {
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
