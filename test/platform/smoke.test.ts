import { AppError, badInput } from '../../src/platform/errors';

describe('errors', () => {
  it('carries the code, the fields and the HTTP status', () => {
    const error = badInput({ name: 'is required' });
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions).toEqual({ fields: { name: 'is required' } });
    expect(error.httpStatus).toBe(400);
  });
});
