// Words a person reads come in both locales; a workflow's words and the shared ones are kept in this shape.
import type { Locale } from './people.ts';

/** One text in zh-CN and en. */
export type Bilingual = Readonly<Record<Locale, string>>;

/** A text that takes values (a count, a name), in both locales. */
export type BilingualFormat<P> = Readonly<Record<Locale, (params: P) => string>>;
