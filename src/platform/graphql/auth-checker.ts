// `@Authorized()` needs a signed-in caller; `@Authorized('ADMIN')` an admin.
import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors';
import type { Context, Role } from './context';

export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  if (!context.user) throw unauthenticated();
  if (roles.length && !roles.includes(context.user.role)) throw forbidden();
  return true;
};
