// What any client may ask without signing in: which server this is, and a clock to test subscriptions by.
import { Arg, Field, Int, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { badInput } from '../errors';
import { version } from '../version';

@ObjectType()
export class ServerInfo {
  @Field() name!: string;
  @Field() version!: string;
  @Field() time!: Date;
}

@Resolver()
export class SystemResolver {
  @Query(() => ServerInfo, { description: 'The server answering, and its clock.' })
  serverInfo(): ServerInfo {
    return { name: 'mcp-agent-hub', version, time: new Date() };
  }

  @Subscription(() => Date, {
    description: "The server's clock every `intervalSeconds` (1 to 3600), first at once: for clients to test their subscription transport.",
    subscribe: ({ args }) => heartbeat(args.intervalSeconds as number),
  })
  heartbeat(@Root() time: Date, @Arg('intervalSeconds', () => Int, { defaultValue: 30 }) _intervalSeconds: number): Date {
    return time;
  }
}

/** Ticks every interval; `return()` (the client unsubscribed) stops the wait at once, not at the next tick. */
function heartbeat(intervalSeconds: number): AsyncIterableIterator<Date> {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 3600) {
    throw badInput({ intervalSeconds: 'must be from 1 to 3600' });
  }
  let first = true;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const finished = { value: undefined, done: true } as const;
  return {
    async next() {
      if (!first && !done) await new Promise<void>((resolve) => ((wake = resolve), (timer = setTimeout(resolve, intervalSeconds * 1000))));
      first = false;
      return done ? finished : { value: new Date(), done: false };
    },
    async return() {
      done = true;
      clearTimeout(timer);
      wake?.();
      return finished;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
