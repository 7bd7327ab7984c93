package dev.ballast.core.testing;

import dev.ballast.core.execute.EventReason;
import dev.ballast.core.execute.ExecutionListener;
import dev.ballast.core.execute.ScalingEvent;
import java.util.ArrayList;
import java.util.List;

/** An {@link ExecutionListener} that keeps every event for assertions. */
public final class RecordingListener implements ExecutionListener {
  private final List<ScalingEvent> events = new ArrayList<>();

  @Override
  public synchronized void onEvent(ScalingEvent event) {
    events.add(event);
  }

  public synchronized List<ScalingEvent> events() {
    return List.copyOf(events);
  }

  /** The stable reason codes of the events, in order (e.g. {@code ScaledUp}). */
  public synchronized List<String> codes() {
    return events.stream().map(e -> e.reason().code()).toList();
  }

  public synchronized List<ScalingEvent> of(EventReason reason) {
    return events.stream().filter(e -> e.reason() == reason).toList();
  }
}
