import type { FeatureDefinition, Sensitivity } from '../feature-definition';
import { featureView } from './feature-builder';

export const CUSTOMER_ORDERS_VIEW = 'customer_orders';

/** The `vertical` values of processed orders (DESIGN.md's businesses). */
export const ORDER_VERTICALS = ['pharmacy', 'lab_tests', 'consultations', 'wellness'] as const;
export type OrderVertical = (typeof ORDER_VERTICALS)[number];

/**
 * Buying medicines, lab tests or doctor visits says something about a person's health; wellness
 * and personal-care products do not. Totals mix verticals and reveal nothing specific.
 */
const VERTICAL_SENSITIVITY: Readonly<Record<OrderVertical, Sensitivity>> = {
  pharmacy: 'health',
  lab_tests: 'health',
  consultations: 'health',
  wellness: 'public',
};

/** Windows of the order counters, in days; totals also get a year for RFM. */
export const VERTICAL_WINDOWS = [7, 30, 90] as const;
export const TOTAL_WINDOWS = [7, 30, 90, 365] as const;

const feature = featureView(CUSTOMER_ORDERS_VIEW);

export const ordersFeatureName = (days: number, vertical?: OrderVertical): string => (vertical ? `${vertical}_orders_${days}d` : `orders_${days}d`);
export const gmvFeatureName = (days: number, vertical?: OrderVertical): string => (vertical ? `${vertical}_gmv_${days}d` : `gmv_${days}d`);

const PLACED = 'created in the window, latest state neither cancelled nor deleted';

function totals(days: number): FeatureDefinition[] {
  // The stream keeps the 30-day counters current between batch runs (src/stream/features).
  const streamed = days === 30;
  return [
    feature({ name: ordersFeatureName(days), type: 'int', windowDays: days, streamed, description: `Orders ${PLACED}, over the ${days} days ending at the as-of day` }),
    feature({ name: gmvFeatureName(days), type: 'float', windowDays: days, streamed, description: `Sum of total_amount of those orders (${days} days), in the order currency (INR)` }),
  ];
}

function perVertical(vertical: OrderVertical, days: number): FeatureDefinition[] {
  const sensitivity = VERTICAL_SENSITIVITY[vertical];
  return [
    feature({ name: ordersFeatureName(days, vertical), type: 'int', windowDays: days, sensitivity, description: `${vertical} orders ${PLACED} (${days} days)` }),
    feature({ name: gmvFeatureName(days, vertical), type: 'float', windowDays: days, sensitivity, description: `Sum of total_amount of ${vertical} orders (${days} days)` }),
  ];
}

/** Order counters and spend from the transactional orders table (all channels: app, web, call centre, auto-ship). */
export const CUSTOMER_ORDERS_FEATURES: readonly FeatureDefinition[] = [
  ...TOTAL_WINDOWS.flatMap(totals),
  ...ORDER_VERTICALS.flatMap((vertical) => VERTICAL_WINDOWS.flatMap((days) => perVertical(vertical, days))),
  feature({ name: 'days_since_last_order', type: 'int', description: 'Whole days from the day of the newest placed order to the as-of day (0 = ordered that day); null if none ever' }),
  feature({ name: 'days_since_first_order', type: 'int', description: 'Whole days from the day of the first placed order to the as-of day (tenure as a buyer); null if none ever' }),
];
