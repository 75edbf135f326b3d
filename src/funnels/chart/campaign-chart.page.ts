import { CAMPAIGN_CHART_SCRIPT } from './campaign-chart.script';

const STYLE = `
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d2433; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  form { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin-bottom: 1rem; }
  label { display: flex; flex-direction: column; font-size: .8rem; color: #556; }
  input { font: inherit; padding: .3rem .4rem; }
  button { font: inherit; padding: .35rem 1rem; }
  .bar { fill: #3b6fd8; }
  .count { font-weight: 600; font-size: 15px; }
  .name { font-size: 13px; }
  .rate, .time { font-size: 12px; fill: #667; }
  .step-rate { font-size: 13px; font-weight: 600; fill: #1d6b3a; }
  #status.error { color: #b00020; }
  #summary { color: #445; }
`;

/**
 * The campaign chart page: markup, style and script, no data and no external assets. The page is
 * the same for every promotion (the script reads the id from the URL), so nothing from the request
 * is echoed into HTML. Style and script carry the response's CSP nonce.
 */
export function campaignChartPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Campaign funnel</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<h1>Campaign funnel: <span id="promotion"></span></h1>
<form id="form" method="post" autocomplete="off">
  <label>API key (funnels:read; kept in this page only)<input id="key" type="password" autocomplete="off" spellcheck="false" required></label>
  <label>From<input id="from" type="date" required></label>
  <label>To<input id="to" type="date" required></label>
  <label>Window<input id="window" type="text" value="7d" size="5"></label>
  <button type="submit">Draw</button>
</form>
<p id="status" role="status"></p>
<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="760" height="360" viewBox="0 0 760 360" role="img" aria-label="Campaign funnel"></svg>
<p id="summary"></p>
<script nonce="${nonce}">${CAMPAIGN_CHART_SCRIPT}</script>
</body>
</html>
`;
}
