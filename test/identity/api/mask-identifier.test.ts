import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { maskedValue } from '../../../src/identity/api/mask-identifier';

const email = (value: string) => maskedValue({ type: 'email', value });
const phone = (value: string) => maskedValue({ type: 'phone', value });

describe('masking personal identifiers without pii:read', () => {
  it('shows an address by its first letter and top-level domain, a number by its last two digits', () => {
    assert.equal(email('jane.doe@example.com'), 'j***@***.com');
    assert.equal(email('ravi@mail.example.co.in'), 'r***@***.in');
    assert.equal(phone('+919876543210'), '+**********10');
  });

  it('shows nothing of rejected raw text that is not an address or a number (the audit lists such values)', () => {
    assert.equal(email('priya.sharma'), '***@***');
    assert.equal(email('@priya.sharma'), '***@***');
    assert.equal(email('priya@sharma@x.com'), '***@***');
    assert.equal(email('priya@sharma'), 'p***@***');
    assert.equal(email('priya@.sharma'), 'p***@***', 'a dot right after the @ is no domain');
    assert.equal(phone('call priya'), '**********');
    assert.equal(phone('+91 00000 00000'), '+************00');
  });

  it('shows account, device and anonymous ids as they are: they are pseudonymous keys', () => {
    assert.equal(maskedValue({ type: 'device_id', value: 'ipad-7' }), 'ipad-7');
    assert.equal(maskedValue({ type: 'user_id', value: 'u_1' }), 'u_1');
    assert.equal(maskedValue({ type: 'anonymous_id', value: 'a-1' }), 'a-1');
  });

  it('masks a configured type (a member id may name a person) to its last two characters, or wholly when short', () => {
    assert.equal(maskedValue({ type: 'member_id', value: 'MBR-4411829' }), '*********29');
    assert.equal(maskedValue({ type: 'member_id', value: 'A1234' }), '*****');
    assert.equal(maskedValue({ type: 'loyalty_id', value: 'कार्ड-१२३४५६' }).endsWith('५६'), true, 'by characters, not UTF-16 units');
  });
});
