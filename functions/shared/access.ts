// Who may do what: the caller must be in the people directory, and hold one of the roles a route needs.
import { forbidden } from './errors.ts';
import type { Caller } from './http.ts';
import type { Role } from './people.ts';
import type { PeopleRepository, StoredPerson } from './people-repository.ts';

/** The caller's directory entry; refused when they are not in the directory or lack every one of `roles`. */
export async function requireRole(
  people: PeopleRepository,
  caller: Caller | undefined,
  roles: readonly Role[] = [],
): Promise<StoredPerson> {
  const person = caller ? await people.get(caller.email) : undefined;
  if (!person) throw forbidden('You are not in the people directory; ask an admin to add you');
  if (roles.length > 0 && !roles.some((role) => person.roles.includes(role))) {
    throw forbidden(`This needs one of the roles: ${roles.join(', ')}`);
  }
  return person;
}
