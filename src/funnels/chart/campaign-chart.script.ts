/**
 * The chart page's browser script, as text (the server's TypeScript has no DOM types). It asks
 * /graphql for the campaign funnel with the key typed into the page, held only in this closure,
 * and draws the bars with SVG DOM calls and textContent: nothing from the API is parsed as HTML.
 */
export const CAMPAIGN_CHART_SCRIPT = String.raw`
(() => {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const QUERY = 'query CampaignChart($promotionId: String!, $from: String!, $to: String!, $window: String) {' +
    ' campaignFunnel(promotionId: $promotionId, from: $from, to: $to, window: $window) {' +
    ' promotionId from to window source counting revenue mediansEstimated' +
    ' steps { name customers conversionFromPrevious conversionFromFirst medianSecondsFromPrevious }' +
    ' viewThrough { window revenue steps { name customers conversionFromFirst } } } }';
  const segments = location.pathname.split('/');
  const promotionId = decodeURIComponent(segments[segments.length - 1] || '');
  const $ = (id) => document.getElementById(id);
  const day = (date) => date.toISOString().slice(0, 10);
  const today = new Date();
  $('promotion').textContent = promotionId;
  $('to').value = day(today);
  $('from').value = day(new Date(today.getTime() - 6 * 86400000));

  const percent = (value) => (value === null || value === undefined ? '–' : (value * 100).toFixed(1) + '%');
  const duration = (seconds) => {
    if (seconds === null || seconds === undefined) return '';
    if (seconds < 120) return Math.round(seconds) + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    if (seconds < 172800) return (seconds / 3600).toFixed(1) + ' h';
    return (seconds / 86400).toFixed(1) + ' d';
  };
  const node = (name, attributes, text) => {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (text !== undefined) element.textContent = text;
    return element;
  };
  const status = (text, isError) => {
    $('status').textContent = text;
    $('status').setAttribute('class', isError ? 'error' : '');
  };

  function draw(funnel) {
    const svg = $('chart');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const steps = funnel.steps;
    // A band above the bars holds the step-to-step rates, so a tall bar never covers them.
    const width = 760, height = 360, top = 80, bottom = 70, gap = 40;
    const barWidth = (width - gap * (steps.length + 1)) / steps.length;
    const most = Math.max(1, ...steps.map((step) => step.customers));
    steps.forEach((step, index) => {
      const x = gap + index * (barWidth + gap);
      const barHeight = ((height - top - bottom) * step.customers) / most;
      const y = height - bottom - barHeight;
      svg.appendChild(node('rect', { class: 'bar', x, y, width: barWidth, height: Math.max(barHeight, 1), rx: 4,
        'data-step': index + 1, 'data-customers': step.customers }));
      svg.appendChild(node('text', { class: 'count', x: x + barWidth / 2, y: y - 8, 'text-anchor': 'middle' }, step.customers.toLocaleString('en')));
      svg.appendChild(node('text', { class: 'name', x: x + barWidth / 2, y: height - bottom + 20, 'text-anchor': 'middle' }, step.name));
      svg.appendChild(node('text', { class: 'rate', x: x + barWidth / 2, y: height - bottom + 40, 'text-anchor': 'middle' },
        index === 0 ? 'entered' : percent(step.conversionFromFirst) + ' of step 1'));
      if (index > 0) {
        svg.appendChild(node('text', { class: 'step-rate', x: x - gap / 2, y: 22, 'text-anchor': 'middle', 'data-step': index + 1 },
          '→ ' + percent(step.conversionFromPrevious)));
        svg.appendChild(node('text', { class: 'time', x: x - gap / 2, y: 40, 'text-anchor': 'middle' }, duration(step.medianSecondsFromPrevious)));
      }
    });
    const view = funnel.viewThrough;
    const last = view.steps[view.steps.length - 1];
    $('summary').textContent = 'Revenue (click-through, ' + funnel.window + '): ' + (funnel.revenue || 0).toLocaleString('en') +
      ' · view-through (' + view.window + '): ' + (last ? last.customers : 0) + ' orders, ' + percent(last && last.conversionFromFirst) +
      ' of views, revenue ' + (view.revenue || 0).toLocaleString('en') + ' · ' + funnel.counting + ', ' + funnel.source.replace('_', ' ');
    svg.setAttribute('data-ready', 'true');
  }

  $('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = $('key').value.trim();
    if (!key) return status('Paste an API key with the funnels:read scope.', true);
    status('Loading…', false);
    try {
      const response = await fetch('/graphql', {
        method: 'POST',
        credentials: 'omit',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + key },
        body: JSON.stringify({ query: QUERY, variables: { promotionId, from: $('from').value, to: $('to').value, window: $('window').value || null } }),
      });
      const body = await response.json();
      if (body.errors && body.errors.length > 0) return status(body.errors[0].message, true);
      draw(body.data.campaignFunnel);
      status('', false);
    } catch (error) {
      status('The API did not answer: ' + error.message, true);
    }
  });
})();
`;
