package io.quiver.client;

import io.quiver.common.model.PointId;
import java.util.List;

/** One page of a scroll; {@code nextOffset} is null on the last page. */
public record ScrollPage(List<RetrievedPoint> points, PointId nextOffset) {
  public ScrollPage {
    points = List.copyOf(points);
  }
}
