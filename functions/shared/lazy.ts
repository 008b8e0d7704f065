// A value made on first use and kept: clients, configuration and dependencies, once per Lambda container.

export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
