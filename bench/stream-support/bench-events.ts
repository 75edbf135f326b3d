/** A shop's event mix, as SDKs send it (with a realistic context), built as text to keep the load generator cheap. */
const MIX: ReadonlyArray<[number, (n: number) => string]> = [
  [0.35, () => `"type":"page","name":"Search","properties":{"path":"/search","url":"https://shop.example/search?q=vitamin"}`],
  [0.25, (n) => `"type":"track","event":"Promotion Viewed","properties":{"promotion_id":"banner-${n % 12}","creative":"hero","position":"top"}`],
  [0.08, (n) => `"type":"track","event":"Promotion Clicked","properties":{"promotion_id":"banner-${n % 12}","creative":"hero","position":"top"}`],
  [0.15, (n) => `"type":"track","event":"Product Added","properties":{"product_id":"sku-${n % 500}","price":12.5,"quantity":1}`],
  [0.05, (n) => `"type":"track","event":"Product Removed","properties":{"product_id":"sku-${n % 500}"}`],
  [0.05, (n) => `"type":"track","event":"Order Completed","properties":{"order_id":"o-${n}","revenue":${(n % 9000) / 100},"currency":"INR"}`],
  [0.07, () => `"type":"screen","name":"Cart"`],
];

// Each customer's own device: a device id shared by every customer would be one identifier linked to
// all of them, which stitching refuses on every event (a hot spot no real traffic has).
const context = (device: string) =>
  `"context":{"library":{"name":"analytics-node","version":"3.0.13"},"app":{"name":"c360-shop","version":"4.2.0"},"os":{"name":"Android","version":"14"},"device":{"id":"${device}","type":"android"},"locale":"en-IN","userAgent":"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"}`;

export function eventText(run: string, n: number, customers: number, now: number): string {
  const customer = n % customers;
  let roll = ((n * 2654435761) % 1000) / 1000;
  let body = MIX[0][1](n);
  for (const [share, make] of MIX) {
    if (roll < share) {
      body = make(n);
      break;
    }
    roll -= share;
  }
  return `{${body},"userId":"bu-${run}-${customer}","anonymousId":"ba-${run}-${customer}","messageId":"${run}-${n}","originalTimestamp":"${new Date(now).toISOString()}",${context(`bd-${run}-${customer}`)}}`;
}
