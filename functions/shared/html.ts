// HTML escaping and an `html` tagged template that escapes every interpolated value unless it is markup `html` made.

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for element content and for quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (char) => escapes[char] ?? char);
}

/**
 * Markup known to be safe: only `html` (and `unsafeRawHtml`, for constants in this repository) make one, so a
 * string from a person can never reach a page unescaped by being mistaken for markup.
 */
export class SafeHtml {
  readonly #markup: string;

  private constructor(markup: string) {
    this.#markup = markup;
  }

  /** @internal Used by `html` and `unsafeRawHtml`; not for escaping-free output of data. */
  static fromTrustedMarkup(markup: string): SafeHtml {
    return new SafeHtml(markup);
  }

  toString(): string {
    return this.#markup;
  }
}

/**
 * What may be interpolated. Objects other than SafeHtml are not accepted, so a Money or a Date cannot slip in
 * unformatted; `false`, `null` and `undefined` render nothing, which keeps `${cond && html`…`}` readable.
 */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join('');
  return escapeHtml(value as string | number);
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return SafeHtml.fromTrustedMarkup(markup);
}

/** Markup taken as is: only for constants written in this repository (a stylesheet), never for data. */
export const unsafeRawHtml = (markup: string): SafeHtml => SafeHtml.fromTrustedMarkup(markup);
