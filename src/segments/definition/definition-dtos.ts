import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { FEATURE_OPS, PROPERTY_OPS } from './segment-condition';

/** Limits that keep a definition small enough to read, to compile and to run. */
export const LIMITS = {
  children: 50,
  listValues: 1000,
  filters: 10,
  text: 500,
  atLeast: 10_000,
  /** Numbers beyond 2^53 lose precision in JavaScript but not in SQL; the evaluators would disagree. */
  magnitude: 1e15,
} as const;

/** Event properties are JSON keys; the shape is checked so a name can never be more than a name. */
export const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Segment ids as c360 mints them (`seg_` and 12 lower-case hex digits), or any short slug. */
export const SEGMENT_ID = /^[a-z][a-z0-9_-]{0,63}$/;

export function isPrintable(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

/** A value a condition compares with: printable text, a finite number of safe size, or a boolean. */
export function isScalar(value: unknown): boolean {
  if (typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= LIMITS.magnitude;
  return typeof value === 'string' && value.length >= 1 && value.length <= LIMITS.text && isPrintable(value);
}

function IsScalar(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isScalar',
      validator: {
        validate: (value: unknown) => isScalar(value),
        defaultMessage: () => `$property must be text (1-${LIMITS.text} printable characters), a number (at most ${LIMITS.magnitude} in size) or true/false`,
      },
    },
    options,
  );
}

function IsPrintable(): PropertyDecorator {
  return ValidateBy({ name: 'isPrintable', validator: { validate: (value: unknown) => typeof value === 'string' && isPrintable(value), defaultMessage: () => '$property must have no control characters' } });
}

export class AllDto {
  @IsArray()
  @ArrayMinSize(1, { message: 'all needs at least one condition' })
  @ArrayMaxSize(LIMITS.children)
  all!: unknown[];
}

export class AnyDto {
  @IsArray()
  @ArrayMinSize(1, { message: 'any needs at least one condition' })
  @ArrayMaxSize(LIMITS.children)
  any!: unknown[];
}

export class NotDto {
  @IsObject({ message: 'not takes one condition (an object)' })
  not!: unknown;
}

export class FeatureConditionDto {
  @IsString()
  @Length(1, 200)
  @IsPrintable()
  feature!: string;

  @IsIn(FEATURE_OPS, { message: `op must be one of ${FEATURE_OPS.join(', ')}` })
  op!: string;

  @IsOptional()
  @IsScalar()
  value?: unknown;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.listValues)
  @IsScalar({ each: true })
  values?: unknown[];

  @IsOptional()
  @IsScalar()
  min?: unknown;

  @IsOptional()
  @IsScalar()
  max?: unknown;
}

export class EventConditionDto {
  @IsString()
  @Length(1, 200)
  @IsPrintable()
  event!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.atLeast)
  atLeast?: number;

  // The upper bound is a scan guard with its own message (check-definition.ts).
  @IsOptional()
  @IsInt()
  @Min(1)
  inLastDays?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.filters)
  where?: unknown[];
}

export class PropertyFilterDto {
  @IsString()
  @Matches(PROPERTY_NAME, { message: 'property must be an event property name: a letter or _, then letters, digits or _ (at most 64)' })
  property!: string;

  @IsIn(PROPERTY_OPS, { message: `op must be one of ${PROPERTY_OPS.join(', ')}` })
  op!: string;

  @IsOptional()
  @IsScalar()
  value?: unknown;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.listValues)
  @IsScalar({ each: true })
  values?: unknown[];
}

export class SegmentReferenceDto {
  @IsString()
  @Matches(SEGMENT_ID, { message: 'segment must be a segment id (lower-case letters, digits, _ or -)' })
  segment!: string;
}
