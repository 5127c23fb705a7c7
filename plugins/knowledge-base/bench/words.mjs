// A support vocabulary for the seeded articles, and search queries drawn from it (some
// misspelled, as visitors type them).
export const WORDS = (
  'account address admin alert android answer api app archive attachment audit backup balance ' +
  'billing browser budget cache calendar camera cancel card certificate change channel chart chat ' +
  'checkout client cloud code comment company configure connect contact cookie copy coupon create ' +
  'credit csv customer dashboard data database date default delete deliver desktop device discount ' +
  'display domain download draft edit email enable error event export feature feedback field file ' +
  'filter folder font form forward group guest help history holiday home image import inbox install ' +
  'integration invite invoice ios issue key keyboard label language laptop layout license limit link ' +
  'list locale login logo logout mail manage member message migrate mobile monitor network ' +
  'notification office order organization owner package page password payment pdf permission phone ' +
  'plan policy port preference price print privacy profile project proxy purchase quota receipt ' +
  'record refund region remove renew report request reset restore return role router rule schedule ' +
  'screen search secure security server session settings setup share shipping signature signup ' +
  'sms software spam storage subscription support survey sync tablet tag tax team template ticket ' +
  'timezone token trial troubleshoot update upgrade upload user verify video view voucher wallet ' +
  'webhook website widget wifi window workspace'
).split(' ');

function typo(word) {
  if (word.length < 5) return word;
  const i = 1 + (word.length % (word.length - 2));
  return word.slice(0, i) + word.slice(i + 1);
}

/** `n` queries: one or two words, every fifth misspelled. */
export function queries(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const a = WORDS[(i * 37) % WORDS.length];
    const b = WORDS[(i * 53 + 7) % WORDS.length];
    const q = i % 3 === 0 ? `${a} ${b}` : a;
    out.push(i % 5 === 0 ? typo(q) : q);
  }
  return out;
}
