import { z } from 'zod';

/** URL slugs: lower-case letters, digits and dashes, starting with a letter or digit. */
export const SlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes');

/** A center slug also names a URL segment beside `/help/_` (static files): letters first. */
export const CenterSlugSchema = SlugSchema.regex(/^[a-z]/, 'must start with a letter');

/** "Réinitialiser le mot de passe !" → "reinitialiser-le-mot-de-passe". */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'article';
}
