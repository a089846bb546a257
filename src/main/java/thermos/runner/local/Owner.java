package thermos.runner.local;

import java.util.OptionalInt;

/**
 * Whose processes a task's are: the uid recorded in its header (SEMANTICS.md §1b.8). A process is
 * the task's if its real uid is that uid — or any uid when the task was recorded as root, which
 * may have switched users for its processes. A process whose uid cannot be read is not.
 *
 * <p>The caller's uid does not matter: root taking over a user's task finds the user's processes,
 * and a user never claims root's.
 */
record Owner(int uid) {
  boolean owns(OptionalInt realUid) {
    return realUid.isPresent() && (uid == 0 || realUid.getAsInt() == uid);
  }

  boolean owns(ProcTable procs, ProcInfo p) {
    return owns(procs.realUid(p.pid()));
  }
}
