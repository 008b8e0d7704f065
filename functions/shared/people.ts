// The people directory's model: who someone is, their roles, manager, locale and delegate while away.
import * as z from 'zod';
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

export const emailSchema = z.email().transform((email) => email.toLowerCase());

/** A calendar date, `2026-11-22`. */
export const isoDateSchema = z.iso.date();

export const delegateSchema = z
  .object({ email: emailSchema, from: isoDateSchema, until: isoDateSchema })
  .strict()
  .refine((d) => d.from <= d.until, { message: 'from must not be after until', path: ['until'] });

/** What an admin sends to create or update a person (the email comes from the path). */
export const personInputSchema = z
  .object({
    name: oneLineText({ max: 200 }),
    roles: z.array(z.enum(roles)).min(1).max(roles.length),
    manager: emailSchema.optional(),
    locale: z.enum(locales).default('zh-CN'),
    delegate: delegateSchema.optional(),
  })
  .strict();

/**
 * Set when mail to the person hard-bounced: nothing is assigned to them until an admin saves the person again
 * (`PUT /people/{email}`), which clears it once their mailbox works.
 */
export const undeliverableSchema = z.object({ since: z.string(), reason: z.string() }).strict();

/** A person as stored: names saved before one-line names refused control characters are still read (mail strips them). */
export const personSchema = personInputSchema.extend({
  name: z.string().min(1),
  email: emailSchema,
  undeliverable: undeliverableSchema.optional(),
});
export type Person = z.infer<typeof personSchema>;
export type PersonInput = z.input<typeof personInputSchema>;
