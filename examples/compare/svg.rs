//! The comparison chart as hand-written SVG: one row of bar charts per
//! dataset (size, encode speed, decode speed, each relative to `net`).

use std::fmt::Write as _;

use super::{Row, Table};

const LABEL_W: f64 = 150.0;
const CELL_W: f64 = 290.0;
const GAP: f64 = 20.0;
const BAR_H: f64 = 13.0;
const BAR_STEP: f64 = 16.0;
const ROW_HEAD: f64 = 30.0;
const TOP: f64 = 78.0;

/// A fixed color per encoding name, so the same encoding has the same
/// color in every panel.
fn color(name: &str) -> &'static str {
    match name {
        "net" => "#1f77b4",
        "net-bincode" => "#6baed6",
        "ascii" => "#2ca02c",
        "bincode-legacy-be" => "#ff7f0e",
        "bincode-std" => "#ffbb78",
        "postcard" => "#9467bd",
        "serde_json" => "#d62728",
        "zerocopy" => "#8c564b",
        "memcpy" => "#7f7f7f",
        _ => "#17becf",
    }
}

/// Reference rows that are not serde formats.
fn is_baseline(name: &str) -> bool {
    matches!(name, "memcpy" | "zerocopy")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One panel: a bar per row, scaled to the largest value in the panel.
fn panel(svg: &mut String, x: f64, y: f64, rows: &[Row], value: impl Fn(&Row) -> Option<f64>) {
    // Scale to the serde formats; the baselines (memcpy, zerocopy) can be
    // far off the scale and are cut at its end.
    let max = rows
        .iter()
        .filter(|r| !is_baseline(r.name))
        .filter_map(&value)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let room = CELL_W - 60.0;
    for (i, row) in rows.iter().enumerate() {
        let by = y + i as f64 * BAR_STEP;
        let Some(v) = value(row) else {
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" class="v">n/a</text>"##,
                x + 2.0,
                by + BAR_H - 3.0
            );
            continue;
        };
        let w = (v / max * room).clamp(1.0, room + 8.0);
        let _ = writeln!(
            svg,
            r##"<rect x="{x:.1}" y="{by:.1}" width="{w:.1}" height="{BAR_H}" fill="{}"/><text x="{:.1}" y="{:.1}" class="v">{v:.2}×</text>"##,
            color(row.name),
            x + w + 4.0,
            by + BAR_H - 3.0
        );
    }
    // The `net` reference line at 1.0.
    let one = x + 1.0 / max * room;
    let h = rows.len() as f64 * BAR_STEP;
    let _ = writeln!(
        svg,
        r##"<line x1="{one:.1}" y1="{:.1}" x2="{one:.1}" y2="{:.1}" stroke="#333" stroke-dasharray="3,2"/>"##,
        y - 3.0,
        y + h
    );
}

/// The whole chart for `tables`, with `caption` (machine and command)
/// under the title.
pub fn chart(tables: &[Table], caption: &str) -> String {
    let heights: Vec<f64> = tables
        .iter()
        .map(|t| ROW_HEAD + t.rows.len() as f64 * BAR_STEP + GAP)
        .collect();
    let width = LABEL_W + 3.0 * CELL_W + 20.0;
    let height = TOP + heights.iter().sum::<f64>() + 10.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="11">
<style>.t{{font-size:16px;font-weight:bold}}.h{{font-size:13px;font-weight:bold}}.c{{fill:#555}}.v{{fill:#222;font-size:10px}}.n{{text-anchor:end}}</style>
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" class="t">netwire: encodings compared, relative to net (higher speed is better, smaller size is better)</text>
<text x="10" y="40" class="c">{}</text>"##,
        escape(caption)
    );
    for (i, title) in [
        "size (bytes ÷ net)",
        "encode speed (× net)",
        "decode speed (× net)",
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="62" class="h">{title}</text>"##,
            LABEL_W + i as f64 * CELL_W
        );
    }
    let mut y = TOP;
    for (table, h) in tables.iter().zip(&heights) {
        let _ = writeln!(
            svg,
            r##"<text x="10" y="{:.1}" class="h">{} ({} messages, net {} bytes)</text>"##,
            y + 12.0,
            escape(table.dataset),
            table.count,
            table.net_bytes()
        );
        let body = y + ROW_HEAD - 8.0;
        for (i, row) in table.rows.iter().enumerate() {
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" class="n">{}</text>"##,
                LABEL_W - 8.0,
                body + i as f64 * BAR_STEP + BAR_H - 3.0,
                escape(row.name)
            );
        }
        let net = table.net();
        panel(&mut svg, LABEL_W, body, &table.rows, |r| {
            net.map(|n| r.bytes as f64 / n.bytes as f64)
        });
        panel(&mut svg, LABEL_W + CELL_W, body, &table.rows, |r| {
            net.map(|n| n.encode.as_secs_f64() / r.encode.as_secs_f64())
        });
        panel(&mut svg, LABEL_W + 2.0 * CELL_W, body, &table.rows, |r| {
            net.map(|n| n.decode.as_secs_f64() / r.decode.as_secs_f64())
        });
        y += h;
    }
    svg.push_str("</svg>\n");
    svg
}
