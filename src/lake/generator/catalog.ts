// The shop the synthetic customers buy from. Prices are in paise (integers) so totals add up exactly.

export type Category = 'medicines' | 'chronic care' | 'wellness' | 'personal care' | 'lab tests' | 'consultations';
export type Vertical = 'pharmacy' | 'lab_tests' | 'consultations' | 'wellness';

export const VERTICAL_OF: Readonly<Record<Category, Vertical>> = {
  medicines: 'pharmacy',
  'chronic care': 'pharmacy',
  wellness: 'wellness',
  'personal care': 'wellness',
  'lab tests': 'lab_tests',
  consultations: 'consultations',
};

export interface Product {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly category: Category;
  readonly pricePaise: number;
  /** Lab test code or consultation speciality, for the booking tables. */
  readonly serviceCode?: string;
}

function product(productId: string, name: string, category: Category, rupees: number, serviceCode?: string): Product {
  return { productId, sku: `HP-${productId}-01`, name, category, pricePaise: Math.round(rupees * 100), serviceCode };
}

export const PRODUCTS: readonly Product[] = [
  product('MED001', 'Paracetamol 650mg Tablet 15s', 'medicines', 33.6),
  product('MED002', 'Azithromycin 500mg Tablet 5s', 'medicines', 119.5),
  product('MED003', 'Pantoprazole 40mg Tablet 15s', 'medicines', 155),
  product('MED004', 'Fexofenadine 120mg Tablet 10s', 'medicines', 221),
  product('MED005', 'Cough Syrup 100ml', 'medicines', 118.75),
  product('MED006', 'Amoxicillin + Clavulanic Acid 625mg 10s', 'medicines', 223.5),
  product('CHR001', 'Metformin 500mg Tablet 20s', 'chronic care', 42.3),
  product('CHR002', 'Glimepiride 2mg Tablet 15s', 'chronic care', 178),
  product('CHR003', 'Telmisartan 40mg Tablet 30s', 'chronic care', 276.9),
  product('CHR004', 'Levothyroxine 50mcg Tablet 100s', 'chronic care', 189),
  product('CHR005', 'Atorvastatin 10mg Tablet 30s', 'chronic care', 214.5),
  product('CHR006', 'Glucometer Test Strips 50s', 'chronic care', 949),
  product('CHR007', 'Insulin Glargine Pen 3ml', 'chronic care', 1299),
  product('WEL001', 'Vitamin D3 60000 IU Capsules 4s', 'wellness', 129),
  product('WEL002', 'Multivitamin Tablets 60s', 'wellness', 549),
  product('WEL003', 'Whey Protein 1kg', 'wellness', 2399),
  product('WEL004', 'Omega-3 Fish Oil Capsules 60s', 'wellness', 699),
  product('WEL005', 'Chyawanprash 500g', 'wellness', 245),
  product('PC001', 'Sunscreen SPF 50 50g', 'personal care', 499),
  product('PC002', 'Moisturising Cream 100ml', 'personal care', 315),
  product('PC003', 'Anti-dandruff Shampoo 200ml', 'personal care', 289),
  product('PC004', 'Baby Diapers Medium 72s', 'personal care', 1199),
  product('PC005', 'Face Wash 100ml', 'personal care', 199),
  product('LAB001', 'Complete Blood Count (CBC)', 'lab tests', 349, 'CBC'),
  product('LAB002', 'HbA1c', 'lab tests', 499, 'HBA1C'),
  product('LAB003', 'Lipid Profile', 'lab tests', 599, 'LIPID'),
  product('LAB004', 'Thyroid Profile (T3, T4, TSH)', 'lab tests', 449, 'THYROID'),
  product('LAB005', 'Full Body Checkup, 84 tests', 'lab tests', 1499, 'FULLBODY'),
  product('LAB006', 'Vitamin D (25-OH)', 'lab tests', 899, 'VITD'),
  product('CON001', 'General Physician Consultation', 'consultations', 299, 'general_physician'),
  product('CON002', 'Dermatologist Consultation', 'consultations', 499, 'dermatology'),
  product('CON003', 'Diabetologist Consultation', 'consultations', 599, 'diabetology'),
  product('CON004', 'Cardiologist Consultation', 'consultations', 699, 'cardiology'),
  product('CON005', 'Gynaecologist Consultation', 'consultations', 549, 'gynaecology'),
  product('CON006', 'Paediatrician Consultation', 'consultations', 449, 'paediatrics'),
  product('CON007', 'Psychiatrist Consultation', 'consultations', 799, 'psychiatry'),
];

const BY_ID = new Map(PRODUCTS.map((p) => [p.productId, p]));

export function productById(productId: string): Product {
  const found = BY_ID.get(productId);
  if (!found) throw new Error(`unknown product ${productId}`);
  return found;
}

export const CATEGORIES: readonly Category[] = ['medicines', 'chronic care', 'wellness', 'personal care', 'lab tests', 'consultations'];

export const PRODUCTS_BY_CATEGORY: ReadonlyMap<Category, readonly Product[]> = new Map(
  CATEGORIES.map((category) => [category, PRODUCTS.filter((p) => p.category === category)]),
);

/** Chronic conditions and the medicines refilled for them each month. */
export const CHRONIC_KITS: readonly (readonly string[])[] = [
  ['CHR001', 'CHR002'],
  ['CHR001', 'CHR006'],
  ['CHR003'],
  ['CHR003', 'CHR005'],
  ['CHR004'],
  ['CHR007', 'CHR006'],
];

export interface Promotion {
  readonly id: string;
  readonly creative: string;
  readonly name: string;
  readonly position: string;
  readonly productIds: readonly string[];
  /** Active part of the window as fractions [from, to); campaigns start and stop mid-window. */
  readonly activeFrom: number;
  readonly activeTo: number;
  readonly weight: number;
  /** Click-through rate of an impression; display banners sit at a few percent. */
  readonly ctr: number;
  /** Shown only to customers with a refill due. */
  readonly refillOnly?: boolean;
}

export const PROMOTIONS: readonly Promotion[] = [
  { id: 'promo_diabetes_care', creative: 'diabetes_care_hero_v3.webp', name: 'Diabetes care: up to 25% off', position: 'home_hero', productIds: ['CHR001', 'CHR002', 'CHR006', 'LAB002'], activeFrom: 0, activeTo: 1, weight: 4, ctr: 0.07 },
  { id: 'promo_lab_fullbody', creative: 'fullbody_checkup_1499_v2.webp', name: 'Full body checkup at Rs 1499', position: 'home_carousel_1', productIds: ['LAB005', 'LAB001'], activeFrom: 0, activeTo: 1, weight: 4, ctr: 0.06 },
  { id: 'promo_monsoon_immunity', creative: 'monsoon_immunity.webp', name: 'Monsoon immunity boosters', position: 'home_carousel_2', productIds: ['WEL005', 'WEL002', 'WEL001'], activeFrom: 0, activeTo: 0.6, weight: 2, ctr: 0.05 },
  { id: 'promo_skin_care_sale', creative: 'skin_care_sale_40.webp', name: 'Skin care sale: flat 40% off', position: 'category_top', productIds: ['PC001', 'PC002', 'PC005'], activeFrom: 0.25, activeTo: 0.75, weight: 2, ctr: 0.08 },
  { id: 'promo_first_consult_free', creative: 'first_consult_free.webp', name: 'First doctor consultation free', position: 'home_carousel_1', productIds: ['CON001', 'CON002'], activeFrom: 0.15, activeTo: 1, weight: 2, ctr: 0.06 },
  { id: 'promo_refill_reminder', creative: 'refill_due_card.webp', name: 'Your refill is due', position: 'home_hero', productIds: [], activeFrom: 0, activeTo: 1, weight: 0, ctr: 0.55, refillOnly: true },
  { id: 'promo_thyroid_check', creative: 'thyroid_check_449.webp', name: 'Thyroid check at Rs 449', position: 'home_carousel_3', productIds: ['LAB004', 'CHR004'], activeFrom: 0.5, activeTo: 1, weight: 2, ctr: 0.05 },
  { id: 'promo_vitamin_d', creative: 'vitamin_d_deficiency.webp', name: 'Low on vitamin D?', position: 'home_carousel_2', productIds: ['LAB006', 'WEL001'], activeFrom: 0, activeTo: 0.45, weight: 2, ctr: 0.05 },
  { id: 'promo_heart_health', creative: 'heart_health_month.webp', name: 'Heart health month', position: 'home_carousel_3', productIds: ['LAB003', 'CON004', 'CHR005'], activeFrom: 0.55, activeTo: 1, weight: 2, ctr: 0.05 },
  { id: 'promo_baby_care', creative: 'baby_care_combo.webp', name: 'Baby care combos', position: 'category_top', productIds: ['PC004', 'CON006'], activeFrom: 0.1, activeTo: 0.9, weight: 1, ctr: 0.06 },
];

export const REFILL_PROMOTION: Promotion = PROMOTIONS.find((p) => p.refillOnly === true) as Promotion;

export const FIRST_NAMES: readonly string[] = [
  'Aarav', 'Vivaan', 'Aditya', 'Vihaan', 'Arjun', 'Sai', 'Reyansh', 'Krishna', 'Ishaan', 'Rohan',
  'Rahul', 'Amit', 'Suresh', 'Ramesh', 'Vikram', 'Karthik', 'Manoj', 'Sanjay', 'Anil', 'Deepak',
  'Aanya', 'Diya', 'Saanvi', 'Ananya', 'Pari', 'Priya', 'Sneha', 'Pooja', 'Kavya', 'Meera',
  'Lakshmi', 'Divya', 'Neha', 'Anjali', 'Sunita', 'Fatima', 'Ayesha', 'Harpreet', 'Gurpreet', 'Nandini',
];

export const LAST_NAMES: readonly string[] = [
  'Sharma', 'Verma', 'Gupta', 'Singh', 'Kumar', 'Patel', 'Shah', 'Reddy', 'Rao', 'Nair',
  'Iyer', 'Menon', 'Das', 'Banerjee', 'Chatterjee', 'Mukherjee', 'Joshi', 'Kulkarni', 'Deshpande', 'Jain',
  'Agarwal', 'Mehta', 'Khan', 'Sheikh', 'Fernandes', 'Pillai', 'Naidu', 'Yadav', 'Mishra', 'Tiwari',
];

export const EMAIL_DOMAINS: readonly { readonly value: string; readonly weight: number }[] = [
  { value: 'gmail.com', weight: 62 },
  { value: 'yahoo.co.in', weight: 10 },
  { value: 'outlook.com', weight: 8 },
  { value: 'hotmail.com', weight: 6 },
  { value: 'rediffmail.com', weight: 4 },
  { value: 'icloud.com', weight: 4 },
  { value: 'yahoo.com', weight: 6 },
];

export const SEARCH_TERMS: readonly string[] = [
  'paracetamol', 'dolo', 'sugar test', 'thyroid', 'vitamin d', 'cough syrup', 'bp tablet', 'protein powder',
  'sunscreen', 'diapers', 'full body checkup', 'skin doctor', 'metformin', 'insulin', 'fish oil', 'hba1c',
];

export const PINCODES: readonly string[] = ['560034', '400076', '110017', '600020', '500081', '411014', '700091', '122002', '380015', '682024'];

export const CONSULT_MODES: readonly { readonly value: string; readonly weight: number }[] = [
  { value: 'video', weight: 55 },
  { value: 'audio', weight: 20 },
  { value: 'chat', weight: 15 },
  { value: 'in_clinic', weight: 10 },
];
