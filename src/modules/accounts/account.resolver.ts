import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../platform/graphql/context';
import { ForwardPageArgs, connectionType } from '../../platform/graphql/connection';
import { AuthPayload, ChangePasswordInput, LoginInput, PasswordResetTicket, RegisterInput, ResetPasswordInput, UpdateMeInput, UserFilter } from './account.inputs';
import { AccountService } from './account.service';
import { AdminService } from './admin.service';
import { SessionService } from './session.service';
import { Role, User } from './user.entity';
import type { UserRecord } from './user-directory';

const UserConnection = connectionType(User);

@Resolver()
export class AccountResolver {
  constructor(
    private readonly accounts: AccountService,
    private readonly sessions: SessionService,
  ) {}

  @Query(() => User, { nullable: true, description: 'The signed-in user; null when not signed in.' })
  me(@Ctx() ctx: Context): Promise<UserRecord | null> {
    return this.accounts.me(ctx.user);
  }

  @Mutation(() => AuthPayload)
  register(@Arg('input') input: RegisterInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return this.accounts.register(ctx.em, input, ctx.ip);
  }

  @Mutation(() => AuthPayload, { description: 'Signs in by username or email address.' })
  login(@Arg('input') input: LoginInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return this.accounts.login(ctx.em, input, ctx.ip);
  }

  @Mutation(() => AuthPayload, { description: 'Trades a refresh token for a new session; the old refresh token stops working.' })
  refreshToken(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return this.sessions.refresh(ctx.em, refreshToken);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ends this session: its access token and its refresh token stop working at once.' })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    await this.sessions.end(ctx.em, ctx.user!);
    return true;
  }

  @Authorized()
  @Mutation(() => User)
  updateMe(@Arg('input') input: UpdateMeInput, @Ctx() ctx: Context): Promise<User> {
    return this.accounts.updateMe(ctx.em, ctx.user!, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Changes the password and ends every other session.' })
  async changePassword(@Arg('input') input: ChangePasswordInput, @Ctx() ctx: Context): Promise<boolean> {
    await this.accounts.changePassword(ctx.em, ctx.user!, input);
    return true;
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Deletes the account and everything it owns: MCP servers, LLM configs, conversations, runs and files." })
  async deleteMe(@Arg('password') password: string, @Ctx() ctx: Context): Promise<boolean> {
    await this.accounts.deleteMe(ctx.em, ctx.user!, password);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Mails a reset link if the address belongs to an account; answers true either way.' })
  async requestPasswordReset(@Arg('email') email: string, @Ctx() ctx: Context): Promise<boolean> {
    await this.accounts.requestPasswordReset(ctx.em, email, ctx.ip);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sets a new password with a reset token, and ends every session of the account.' })
  async resetPassword(@Arg('input') input: ResetPasswordInput, @Ctx() ctx: Context): Promise<boolean> {
    await this.accounts.resetPassword(ctx.em, input);
    return true;
  }
}

@Resolver()
export class AdminResolver {
  constructor(private readonly admin: AdminService) {}

  @Authorized(Role.ADMIN)
  @Query(() => UserConnection, { description: 'Every user, by username (admins only).' })
  users(@Args() page: ForwardPageArgs, @Arg('filter', () => UserFilter, { nullable: true }) filter: UserFilter | null, @Ctx() ctx: Context) {
    return this.admin.users(ctx.em, page, filter);
  }

  @Authorized(Role.ADMIN)
  @Query(() => User, { nullable: true })
  user(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<User | null> {
    return this.admin.user(ctx.em, id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => User, { description: 'Deactivating ends every session of the user at once.' })
  setUserActive(@Arg('id', () => ID) id: string, @Arg('isActive') isActive: boolean, @Ctx() ctx: Context): Promise<User> {
    return this.admin.setActive(ctx.em, id, isActive);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => User, { description: 'The user signs in again with the new role.' })
  setUserRole(@Arg('id', () => ID) id: string, @Arg('role', () => Role) role: Role, @Ctx() ctx: Context): Promise<User> {
    return this.admin.setRole(ctx.em, id, role);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PasswordResetTicket, { description: 'A one-use reset token to hand to the user.' })
  issuePasswordReset(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<PasswordResetTicket> {
    return this.admin.issuePasswordReset(ctx.em, userId);
  }
}
