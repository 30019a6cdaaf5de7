// A tiny constructor-injection container for type-graphql: a resolver asks for services by
// constructor parameter type, and gets the app's single instance of each.
import type { ContainerType } from 'type-graphql';

type Constructor<T = unknown> = new (...args: never[]) => T;

export class Container implements ContainerType {
  private readonly instances = new Map<Function, unknown>();

  set<T>(type: Constructor<T> | (abstract new (...args: never[]) => T), instance: T): this {
    this.instances.set(type, instance);
    return this;
  }

  get<T>(type: Constructor<T>): T {
    if (this.instances.has(type)) return this.instances.get(type) as T;
    const params: Function[] = Reflect.getMetadata('design:paramtypes', type) ?? [];
    const args = params.map((param) => {
      if (!this.instances.has(param)) throw new Error(`${type.name} needs ${param.name}, which is not registered`);
      return this.instances.get(param);
    });
    const instance = new type(...(args as never[]));
    this.instances.set(type, instance);
    return instance;
  }
}
