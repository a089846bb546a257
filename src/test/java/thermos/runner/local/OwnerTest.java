package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The ownership rule (SEMANTICS.md §1b.8, difference 7). */
class OwnerTest {
  @Test
  void theRecordedUidOwns() {
    assertTrue(new Owner(1000).owns(OptionalInt.of(1000)));
    assertFalse(new Owner(1000).owns(OptionalInt.of(1001)));
    assertFalse(new Owner(1000).owns(OptionalInt.of(0)), "root's processes are not a user's");
  }

  @Test
  void aTaskRecordedAsRootOwnsAnyUid() {
    assertTrue(new Owner(0).owns(OptionalInt.of(1000)));
    assertTrue(new Owner(0, 1000).owns(OptionalInt.of(4242)));
  }

  @Test
  void whoeverTakesOverOwnsWhatItLaunchesButNotOthers() {
    Owner rootTakingOverUser = new Owner(1000, 0);
    assertTrue(rootTakingOverUser.owns(OptionalInt.of(1000)));
    assertTrue(rootTakingOverUser.owns(OptionalInt.of(0)));
    assertFalse(rootTakingOverUser.owns(OptionalInt.of(1001)));
  }

  @Test
  void anUnreadableUidIsNobodys() {
    assertFalse(new Owner(0).owns(OptionalInt.empty()));
    assertFalse(new Owner(1000).owns(OptionalInt.empty()));
  }
}
