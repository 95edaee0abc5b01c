import { describe, expect, it } from 'vitest';
import { compileNative, nativeDeclineReason } from './native.js';

// An invariant whose whole expression is a name that Object.prototype also carries is an
// ordinary path (navigation to a child that does not exist), not a hand-written invariant.
describe('hand-written invariant lookup', () => {
  for (const expression of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
    it(`'${expression}' compiles as a path and evaluates to nothing`, () => {
      expect(nativeDeclineReason(expression, 'Patient')).toBeUndefined();
      const fn = compileNative(expression, 'Patient');
      expect(typeof fn).toBe('function');
      expect(() => fn!({ resourceType: 'Patient' }, {} as never)).not.toThrow();
    });
  }
});
