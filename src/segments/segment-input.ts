import { IsOptional, IsString, Length, Matches, ValidateBy, validateSync } from 'class-validator';
import { isPrintable, SEGMENT_ID } from './definition/definition-dtos';
import { SegmentsException, SegmentsExceptionCode } from './segments.exception';

function Printable(): PropertyDecorator {
  return ValidateBy({ name: 'printable', validator: { validate: (value: unknown) => typeof value === 'string' && isPrintable(value.replace(/\n/g, ' ')), defaultMessage: () => '$property must have no control characters' } });
}

/** The fields of a segment besides its definition, as callers send them (API and CLI). */
export class SegmentFieldsInput {
  @IsOptional()
  @IsString()
  @Matches(SEGMENT_ID, { message: 'id must be 1-64 lower-case letters, digits, _ or -, starting with a letter' })
  id?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Printable()
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @IsOptional()
  @IsString()
  @Length(0, 2000)
  @Printable()
  description?: string;
}

/** Validates the fields with class-validator; one BAD_ARGUMENT error naming each bad field. */
export function validateFields(fields: { id?: string | null; name?: string | null; description?: string | null }): SegmentFieldsInput {
  const input = new SegmentFieldsInput();
  if (fields.id !== undefined && fields.id !== null) input.id = fields.id;
  if (fields.name !== undefined && fields.name !== null) input.name = fields.name;
  if (fields.description !== undefined && fields.description !== null) input.description = fields.description;
  const errors = validateSync(input);
  if (errors.length > 0) {
    const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new SegmentsException(SegmentsExceptionCode.BAD_ARGUMENT, messages.join('; '), { field: errors[0]?.property ?? '' });
  }
  return input;
}
