package io.accrue.console.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * A bar chart drawn as inline SVG by the template: bars scaled to the largest value, each with the label and value
 * a screen reader reads (the page also has the same numbers as a table).
 */
public record BarChart(List<Bar> bars, String max) {

    public static final int HEIGHT = 120;

    public record Bar(String label, String value, int height, int x) {

        public int y() {
            return HEIGHT - height;
        }
    }

    public record Point(String label, BigDecimal value, String display) {}

    public static BarChart of(List<Point> points) {
        BigDecimal max = points.stream().map(Point::value).filter(v -> v != null).max(BigDecimal::compareTo)
                .orElse(BigDecimal.ZERO);
        List<Bar> bars = new java.util.ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            int h = max.signum() == 0 || p.value() == null
                    ? 0
                    : p.value().multiply(BigDecimal.valueOf(HEIGHT)).divide(max, 0, RoundingMode.HALF_UP)
                            .intValue();
            bars.add(new Bar(p.label(), p.display(), h, i * 14));
        }
        return new BarChart(bars, max.toPlainString());
    }

    public int width() {
        return Math.max(bars.size() * 14, 14);
    }

    public boolean empty() {
        return bars.stream().allMatch(b -> b.height() == 0);
    }
}
