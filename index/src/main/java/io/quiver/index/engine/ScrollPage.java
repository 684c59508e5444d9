package io.quiver.index.engine;

import io.quiver.common.model.Point;
import io.quiver.common.model.PointId;
import java.util.List;

/**
 * One page of a scroll in point-id order.
 *
 * @param points the page, ascending by id
 * @param nextAfter pass as {@code afterExclusive} for the next page; null when this is the last
 */
public record ScrollPage(List<Point> points, PointId nextAfter) {
  public ScrollPage {
    points = List.copyOf(points);
  }
}
