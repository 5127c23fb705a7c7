/**
 * The help center's own words (not the articles'), per language, English as the fallback.
 * Small on purpose; a center in another language shows these in English until translated here.
 */
const en = {
  home: 'Home',
  search: 'Search',
  searchPlaceholder: 'Search articles',
  searchResults: (q: string) => `Results for “${q}”`,
  noResults: 'No articles match your search.',
  categories: 'Categories',
  articles: 'Articles',
  related: 'Related articles',
  helpful: 'Was this article helpful?',
  yes: 'Yes',
  no: 'No',
  thanks: 'Thank you for your feedback.',
  contact: 'Contact us',
  contactIntro: 'Tell us what you need. We will answer by email.',
  name: 'Your name',
  email: 'Your email address',
  subject: 'Subject',
  message: 'How can we help?',
  send: 'Send',
  sent: 'Thank you. We received your message and will answer by email.',
  suggestions: 'These articles may answer your question',
  notFound: 'Page not found',
  notFoundText: 'We could not find this page. Try searching instead.',
  fallbackNotice: (language: string) => `This article is not yet available in ${language}.`,
  updated: 'Updated',
  tooMany: 'Too many messages were sent from your address. Please try again later.',
  invalid: 'Please check the highlighted fields.',
  skip: 'Skip to content',
  language: 'Language',
  hp: 'Leave this field empty',
};

export type Messages = typeof en;

const de: Messages = {
  ...en,
  home: 'Start',
  search: 'Suchen',
  searchPlaceholder: 'Artikel durchsuchen',
  searchResults: (q) => `Ergebnisse für „${q}“`,
  noResults: 'Keine Artikel gefunden.',
  categories: 'Kategorien',
  articles: 'Artikel',
  related: 'Verwandte Artikel',
  helpful: 'War dieser Artikel hilfreich?',
  yes: 'Ja',
  no: 'Nein',
  thanks: 'Danke für Ihr Feedback.',
  contact: 'Kontakt',
  contactIntro: 'Beschreiben Sie Ihr Anliegen. Wir antworten per E-Mail.',
  name: 'Ihr Name',
  email: 'Ihre E-Mail-Adresse',
  subject: 'Betreff',
  message: 'Wie können wir helfen?',
  send: 'Senden',
  sent: 'Danke. Wir haben Ihre Nachricht erhalten und antworten per E-Mail.',
  suggestions: 'Diese Artikel beantworten Ihre Frage vielleicht',
  notFound: 'Seite nicht gefunden',
  notFoundText: 'Diese Seite gibt es nicht. Versuchen Sie die Suche.',
  fallbackNotice: (language) => `Dieser Artikel ist noch nicht auf ${language} verfügbar.`,
  updated: 'Aktualisiert',
  tooMany: 'Von Ihrer Adresse wurden zu viele Nachrichten gesendet. Bitte später erneut versuchen.',
  invalid: 'Bitte prüfen Sie die markierten Felder.',
  skip: 'Zum Inhalt springen',
  language: 'Sprache',
  hp: 'Dieses Feld leer lassen',
};

const fr: Messages = {
  ...en,
  home: 'Accueil',
  search: 'Rechercher',
  searchPlaceholder: 'Rechercher des articles',
  searchResults: (q) => `Résultats pour « ${q} »`,
  noResults: 'Aucun article ne correspond.',
  categories: 'Catégories',
  related: 'Articles associés',
  helpful: 'Cet article vous a-t-il aidé ?',
  yes: 'Oui',
  no: 'Non',
  thanks: 'Merci pour votre avis.',
  contact: 'Nous contacter',
  send: 'Envoyer',
  skip: 'Aller au contenu',
  language: 'Langue',
  fallbackNotice: (language) => `Cet article n’est pas encore disponible en ${language}.`,
};

const BY_LANGUAGE: Record<string, Messages> = { en, de, fr };

export function messagesFor(locale: string): Messages {
  return BY_LANGUAGE[locale.split('-')[0]!] ?? en;
}

/** "de" → "Deutsch" in its own language, for language pickers and notices. */
export function languageName(locale: string, inLocale = locale): string {
  try {
    return new Intl.DisplayNames([inLocale], { type: 'language' }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}
