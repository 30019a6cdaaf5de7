// The AppError a promise rejects with; fails the test when it resolves or rejects with anything else.
import { AppError } from '../../src/platform/errors';

export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal, but the call succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
