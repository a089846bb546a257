package thermos.runner.local;

import java.util.OptionalInt;

/**
 * Whose processes a task's are (SEMANTICS.md §1b.8): a process is the task's if its real uid is
 * the uid the task's header recorded — or any uid when that is root, which may have switched
 * users for its processes — or the uid of this runner, which launches processes as itself (a
 * takeover by root runs finalizers as root: we do not switch users). A process whose uid cannot
 * be read is not the task's.
 *
 * @param recordedUid the header's uid
 * @param launcherUid the uid this process launches processes as
 */
record Owner(int recordedUid, int launcherUid) {
  /** The task's own runner: the recorded uid is its own. */
  Owner(int uid) {
    this(uid, uid);
  }

  boolean owns(OptionalInt realUid) {
    if (realUid.isEmpty()) {
      return false;
    }
    int uid = realUid.getAsInt();
    return recordedUid == 0 || uid == recordedUid || uid == launcherUid;
  }

  boolean owns(ProcTable procs, ProcInfo p) {
    return owns(procs.realUid(p.pid()));
  }
}
