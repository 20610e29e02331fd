/**
 * The one text normalisation of this lib: every embedder input and every keyword-cache key goes through it, so a
 * keyword finds its cached row however it was typed.
 *
 *   NFKC (full-width Latin → ASCII, compatibility jamo and conjoining jamo → Hangul syllables, ligatures split)
 *   → lowercase (full Unicode, final sigma included)
 *   → every run of whitespace (the set below) becomes one U+0020, leading and trailing whitespace removed.
 */
export const WHITESPACE_CHARS =
  '\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

const WHITESPACE_RUN = new RegExp(`[${WHITESPACE_CHARS}]+`, 'gu');

export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(WHITESPACE_RUN, ' ').trim();
}

/** Letters, marks and numbers (Unicode general categories L*, M*, N*): the characters words are made of. */
export const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
