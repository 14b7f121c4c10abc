namespace Axon.Samples.Reporting.Rendering;

/// <summary>The report's one inline style sheet. It holds no '&lt;' or '&amp;', so it is also well-formed XML text.</summary>
internal static class Stylesheet
{
    public static string Css { get; } = """
:root {
  --bg: #f3f4f6;
  --card: #ffffff;
  --ink: #1f2328;
  --muted: #5b636e;
  --line: #d9dee4;
  --soft: #f6f8fa;
  --accent: #0f8b8d;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
}
.page { max-width: 1280px; margin: 0 auto; padding: 28px 24px 40px; }
.report-header { border-bottom: 3px solid var(--accent); padding-bottom: 10px; margin-bottom: 20px; }
.report-header h1 { font-size: 26px; line-height: 1.25; margin: 0; letter-spacing: -0.01em; }
.report-header .meta { color: var(--muted); font-size: 13px; margin-top: 2px; }
h2.section { font-size: 19px; margin: 28px 0 12px; }
p.text { max-width: 86ch; margin: 0 0 12px; }
.empty { color: var(--muted); font-style: italic; }
.card {
  background: var(--card);
  border: 1px solid var(--line);
  border-radius: 10px;
  padding: 16px 18px 18px;
  box-shadow: 0 1px 2px rgba(31, 35, 40, 0.05), 0 4px 12px rgba(31, 35, 40, 0.04);
  min-width: 0;
}
.tables { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(420px, 100%), 1fr)); gap: 16px; margin: 16px 0 24px; align-items: start; }
.tables h3 { font-size: 15px; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.data thead th { font-weight: 600; border-bottom: 2px solid var(--ink); white-space: nowrap; }
table.data tbody tr:nth-child(even) { background: var(--soft); }
table.data caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: 12.5px; padding-top: 8px; }
th.num, td.num { text-align: right !important; white-space: nowrap; }
.cases { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(560px, 100%), 1fr)); gap: 18px; margin: 16px 0 24px; align-items: start; }
.case h2 { font-size: 16px; line-height: 1.35; margin: 0 0 12px; }
.case h3 { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0 0 8px; }
.case-section { border-top: 1px solid var(--line); padding-top: 12px; margin-top: 14px; }
.case-top { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; }
figcaption { font-size: 12.5px; font-weight: 600; margin-bottom: 4px; }
figure.map { width: min-content; }
figure.map.patch { width: auto; }
.case-top figcaption { line-height: 1.3; }
figcaption .sub { display: block; font-weight: 400; color: var(--muted); font-size: 11.5px; white-space: nowrap; }
img.heatmap {
  display: block;
  image-rendering: crisp-edges;
  image-rendering: pixelated;
  border: 1px solid var(--line);
  max-width: 100%;
  height: auto;
}
.patch-grid { display: flex; flex-wrap: wrap; gap: 12px 14px; margin-bottom: 8px; }
.patch figcaption { font-weight: 400; font-size: 11.5px; color: var(--muted); margin: 3px 0 0; max-width: 100%; overflow-wrap: anywhere; }
.legend { margin-top: 6px; font-size: 11px; color: var(--muted); max-width: 100%; }
.legend .ramp { height: 9px; border: 1px solid var(--line); border-radius: 2px; }
.legend .ramp.gray { background: linear-gradient(to right, #000000, #ffffff); }
.legend .labels { display: flex; justify-content: space-between; font-variant-numeric: tabular-nums; margin-top: 1px; }
.legend .title { margin-bottom: 2px; }
p.note { font-size: 12.5px; color: var(--muted); margin: 10px 0 0; max-width: 86ch; }
p.selection, p.patch-overlay-note { font-size: 12px; color: var(--muted); margin: -4px 0 8px; }
table.facts { width: auto; min-width: 170px; flex: 1 1 170px; font-size: 12.5px; margin-top: 2px; }
table.facts th, table.facts td { padding: 3px 6px; border-bottom: 1px solid var(--line); }
table.facts tr:first-child th, table.facts tr:first-child td { border-top: 1px solid var(--line); }
table.facts th { font-weight: 500; color: var(--muted); text-align: left; }
table.facts td { text-align: right; font-weight: 500; }
table.facts td.num { white-space: nowrap; }
svg.bar-chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg.bar-chart text { font-size: 11px; fill: var(--muted); }
svg.bar-chart text.legend-text { fill: var(--ink); font-size: 12px; }
svg.bar-chart text.label { fill: var(--ink); }
svg.bar-chart line.grid { stroke: #e6e9ed; stroke-width: 1; }
svg.bar-chart line.zero { stroke: #4b535d; stroke-width: 1.2; }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); margin-top: 28px; padding-top: 10px; }
.token-view { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 0 0 16px; overflow-x: auto; }
h3.token-title { font-size: 15px; margin: 0 0 8px; }
table.tokens { width: auto; border-collapse: separate; border-spacing: 3px; }
table.tokens th { text-align: left; font-weight: 600; padding-right: 10px; white-space: nowrap; }
table.tokens th .sub { font-weight: 400; color: var(--muted); font-size: 11.5px; }
table.tokens td.token { padding: 2px 6px; border-radius: 4px; border: 1px solid var(--line); white-space: nowrap; font-variant-numeric: tabular-nums; }
p.token-note { color: var(--muted); font-size: 12.5px; margin: 8px 0 0; }
@media print {
  body { background: #ffffff; }
  .card { box-shadow: none; break-inside: avoid; }
}
""";
}
