// The people directory's model: who someone is, their roles, manager, locale and delegate while away.
import * as z from 'zod/mini';
import { oneLineText } from './text.ts';

export const roles = [
  'admin',
  'sales',
  'supervisor',
  'sales-manager',
  'sales-director',
  'signatory',
  'legal',
  'legal-head',
  'finance',
  'production',
  'logistics',
] as const;
export type Role = (typeof roles)[number];

export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

export const emailSchema = z.pipe(
  z.email(),
  z.transform((email) => email.toLowerCase()),
);

/** A calendar date, `2026-11-22`. */
export const isoDateSchema = z.iso.date();

export const delegateSchema = z
  .strictObject({ email: emailSchema, from: isoDateSchema, until: isoDateSchema })
  .check(z.refine((d) => d.from <= d.until, { message: 'from must not be after until', path: ['until'] }));

/** What an admin sends to create or update a person (the email comes from the path). */
export const personInputSchema = z.strictObject({
  name: oneLineText({ max: 200 }),
  roles: z.array(z.enum(roles)).check(z.minLength(1), z.maxLength(roles.length)),
  manager: z.optional(emailSchema),
  locale: z._default(z.enum(locales), 'zh-CN'),
  delegate: z.optional(delegateSchema),
});

/**
 * Set when mail to the person hard-bounced: nothing is assigned to them until an admin saves the person again
 * (`PUT /people/{email}`), which clears it once their mailbox works.
 */
export const undeliverableSchema = z.strictObject({ since: z.string(), reason: z.string() });

/** A person as stored: names saved before one-line names refused control characters are still read (mail strips them). */
export const personSchema = z.extend(personInputSchema, {
  name: z.string().check(z.minLength(1)),
  email: emailSchema,
  undeliverable: z.optional(undeliverableSchema),
});
export type Person = z.infer<typeof personSchema>;
export type PersonInput = z.input<typeof personInputSchema>;
