import { Field, InputType, ObjectType } from 'type-graphql';
import { IsEmail, IsOptional, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords';
import { Role, User } from './user.entity';
import { USERNAME_PATTERN, USERNAME_RULE } from './username';

const PASSWORD_RULE = `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`;

@InputType()
export class RegisterInput {
  @Field()
  @Length(3, 50, { message: USERNAME_RULE })
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username!: string;

  @Field()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  password!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254, { message: 'must be at most 254 characters' })
  @IsEmail({}, { message: 'must be an email address' })
  email?: string | null;
}

@InputType()
export class LoginInput {
  @Field({ description: 'The username or the email address.' })
  @Length(1, 254, { message: 'is required' })
  username!: string;

  @Field()
  @Length(1, PASSWORD_MAX, { message: 'is required' })
  password!: string;
}

@InputType()
export class UpdateMeInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(3, 50, { message: USERNAME_RULE })
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username?: string | null;

  @Field(() => String, { nullable: true, description: 'An empty string removes the email address.' })
  @ValidateIf((input: UpdateMeInput) => input.email !== undefined && input.email !== null && input.email !== '')
  @MaxLength(254, { message: 'must be at most 254 characters' })
  @IsEmail({}, { message: 'must be an email address' })
  email?: string | null;
}

@InputType()
export class ChangePasswordInput {
  @Field()
  @Length(1, PASSWORD_MAX, { message: 'is required' })
  currentPassword!: string;

  @Field()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  newPassword!: string;
}

@InputType()
export class ResetPasswordInput {
  @Field()
  @Length(1, 200, { message: 'is required' })
  token!: string;

  @Field()
  @Length(PASSWORD_MIN, PASSWORD_MAX, { message: PASSWORD_RULE })
  newPassword!: string;
}

@InputType()
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'Part of the username or email address.' })
  @IsOptional()
  @MaxLength(100)
  search?: string | null;

  @Field(() => Role, { nullable: true })
  role?: Role | null;

  @Field(() => Boolean, { nullable: true })
  isActive?: boolean | null;
}

@ObjectType({ description: 'A signed-in session: an access token for requests and a refresh token to renew it.' })
export class AuthPayload {
  @Field({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken!: string;

  @Field()
  accessTokenExpiresAt!: Date;

  @Field({ description: 'Single use: refreshToken answers a new one.' })
  refreshToken!: string;

  @Field(() => User)
  user!: User;
}

@ObjectType({ description: 'A one-use password reset token, for an admin to hand to the user.' })
export class PasswordResetTicket {
  @Field()
  token!: string;

  @Field()
  expiresAt!: Date;
}
