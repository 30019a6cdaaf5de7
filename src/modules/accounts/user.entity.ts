import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { newId } from '../../platform/db/ids';

export enum Role {
  USER = 'USER',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role', description: 'What a user may do: ADMIN adds managing users and servers that run commands.' });

@ObjectType({ description: 'A person who signs in.' })
@Entity({ tableName: 'user' })
export class User {
  [OptionalProps]?: 'id' | 'email' | 'emailKey' | 'role' | 'isActive' | 'tokenVersion' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @Field()
  @Property({ type: 'string', length: 50 })
  username!: string;

  /** The username lowercased: usernames are unique and signed in to without regard to case. */
  @Property({ type: 'string', length: 50, unique: true })
  usernameKey!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 254, nullable: true })
  email: string | null = null;

  @Property({ type: 'string', length: 254, nullable: true, unique: true })
  emailKey: string | null = null;

  @Property({ type: 'string', length: 255, hidden: true })
  passwordHash!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, type: 'string', length: 10 })
  role: Role = Role.USER;

  @Field()
  @Index()
  @Property({ type: 'boolean' })
  isActive: boolean = true;

  /** Raised to end every session of the user at once (deactivation, role change, password reset). */
  @Property({ type: 'integer' })
  tokenVersion: number = 1;

  @Field()
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Field()
  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
