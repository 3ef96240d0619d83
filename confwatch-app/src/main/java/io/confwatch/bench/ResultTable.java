package io.confwatch.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints rows as a Markdown table whose columns line up in a terminal. */
public final class ResultTable {
    private static final List<String> HEADER = List.of("scenario", "ours", "baseline", "ratio", "target", "verdict");

    private ResultTable() {}

    /** Prints {@code rows} under the header. */
    public static void print(List<ResultRow> rows, PrintStream out) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADER);
        for (ResultRow row : rows) {
            cells.add(List.of(
                    row.scenario(),
                    row.ours(),
                    row.baseline(),
                    row.ratio(),
                    row.target(),
                    row.verdict().name()));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        for (int r = 0; r < cells.size(); r++) {
            out.println(line(cells.get(r), widths));
            if (r == 0) {
                List<String> rule = new ArrayList<>();
                for (int width : widths) {
                    rule.add("-".repeat(width));
                }
                out.println(line(rule, widths));
            }
        }
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder text = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            text.append(' ')
                    .append(cell)
                    .append(" ".repeat(widths[i] - cell.length()))
                    .append(" |");
        }
        return text.toString();
    }
}
