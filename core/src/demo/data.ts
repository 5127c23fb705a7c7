/** The demo's fixed cast and phrasing (deterministic, so two runs describe the same company). */
export const DEMO_MARKER_ORGANIZATION = 'Brightwave Labs';

export const DEMO_AGENTS = [
  { name: 'Sam Rivera', email: 'sam.rivera@demo-agents.novumdesk.test' },
  { name: 'Priya Natarajan', email: 'priya.natarajan@demo-agents.novumdesk.test' },
  { name: 'Tomás Lindqvist', email: 'tomas.lindqvist@demo-agents.novumdesk.test' },
];

export const DEMO_ORGANIZATIONS = [
  { name: DEMO_MARKER_ORGANIZATION, domain: 'brightwave.example' },
  { name: 'Northwind Traders', domain: 'northwind.example' },
  { name: 'Contoso Health', domain: 'contoso-health.example' },
  { name: 'Globex Logistics', domain: 'globex.example' },
  { name: 'Initech Software', domain: 'initech.example' },
  { name: 'Umbrella Retail', domain: 'umbrella-retail.example' },
  { name: 'Stark Engineering', domain: 'stark-eng.example' },
  { name: 'Wayne Foundation', domain: 'wayne.example' },
];

const FIRST = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Lucas',
  'Mia',
  'Ethan',
  'Sofia',
  'Mateo',
  'Hana',
  'Yusuf',
  'Chloe',
  'Arjun',
  'Ingrid',
  'Kwame',
  'Leila',
  'Pierre',
  'Valentina',
  'Jonas',
  'Aisha',
  'Diego',
  'Mei',
  'Finn',
  'Zara',
];
const LAST = [
  'Martin',
  'Garcia',
  'Kowalski',
  'Tanaka',
  'Okafor',
  'Schmidt',
  'Rossi',
  'Dubois',
  'Haddad',
  'Silva',
  'Nguyen',
  'Patel',
  'Johansson',
  'Moreau',
  'Kim',
  'Novak',
  'Mensah',
  'Ivanova',
  'Fischer',
  'Lopez',
  'Brennan',
  'Sato',
  'Costa',
  'Weber',
  'Almeida',
];

export interface DemoContact {
  name: string;
  email: string;
  organization: number | null;
}

/** ~50 contacts: two thirds at one of the organizations, the rest on free-mail addresses. */
export function demoContacts(count = 50): DemoContact[] {
  const contacts: DemoContact[] = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const organization = i % 3 === 2 ? null : i % DEMO_ORGANIZATIONS.length;
    const domain =
      organization === null ? 'mail.example' : DEMO_ORGANIZATIONS[organization]!.domain;
    contacts.push({
      name: `${first} ${last}`,
      email: `${first}.${last}${organization === null ? i : ''}@${domain}`
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, ''),
      organization,
    });
  }
  return contacts;
}

/** Ticket stories: subject, first message, agent reply, tags. */
export const DEMO_STORIES: { subject: string; body: string; reply: string; tags: string[] }[] = [
  {
    subject: 'Cannot log in after password reset',
    body: 'I reset my password this morning but the login page keeps saying my credentials are wrong.',
    reply:
      'Sorry about that! I have cleared the lockout on your account; please try again with the new password.',
    tags: ['login'],
  },
  {
    subject: 'Invoice shows the wrong VAT number',
    body: 'Our latest invoice lists an old VAT number. Can you reissue it with the current one?',
    reply: 'Thanks for flagging it. I have updated your billing profile and reissued the invoice.',
    tags: ['billing', 'invoice'],
  },
  {
    subject: 'Export to CSV times out',
    body: 'Exporting last quarter’s orders to CSV spins for a minute and then fails.',
    reply:
      'Large exports now run in the background; you will get an e-mail with the file when it is ready.',
    tags: ['bug', 'export'],
  },
  {
    subject: 'Request: dark mode for the dashboard',
    body: 'Our night shift would love a dark theme for the dashboard.',
    reply: 'Great idea, I have added your vote to the feature request.',
    tags: ['feature-request'],
  },
  {
    subject: 'Order #4821 arrived damaged',
    body: 'The package arrived with a crushed corner and the device does not power on.',
    reply: 'I am sorry to hear that. A replacement is on its way and a return label is attached.',
    tags: ['shipping', 'refund'],
  },
  {
    subject: 'Webhook deliveries failing with 401',
    body: 'Since yesterday every webhook to our endpoint fails with 401 Unauthorized.',
    reply: 'The signing secret was rotated on your side; please update it in the webhook settings.',
    tags: ['api', 'integration'],
  },
  {
    subject: 'How do I add a second admin?',
    body: 'Our office manager needs admin rights too. Where do I set that up?',
    reply: 'Go to Settings → Members, invite them, and pick the Admin role.',
    tags: ['onboarding'],
  },
  {
    subject: 'Mobile app crashes on startup',
    body: 'After the latest update the Android app closes immediately when I open it.',
    reply: 'A fix is in version 4.2.1, rolling out today. Clearing the app cache helps meanwhile.',
    tags: ['bug', 'mobile'],
  },
  {
    subject: 'Cancel our subscription at the end of the term',
    body: 'We would like to cancel our plan when the current billing period ends.',
    reply: 'Done: your plan stays active until the end of the period and will not renew.',
    tags: ['billing', 'cancellation'],
  },
  {
    subject: 'Reports are very slow this week',
    body: 'The weekly report page takes more than 30 seconds to load for our team.',
    reply:
      'We found a slow query in the report and deployed a fix; it should load in a second now.',
    tags: ['performance'],
  },
  {
    subject: 'Suspicious login attempt notification',
    body: 'I received a notice about a login from another country. Was my account compromised?',
    reply: 'The attempt was blocked. I recommend enabling two-factor authentication.',
    tags: ['security'],
  },
  {
    subject: 'Upgrade to the Business plan',
    body: 'We are growing and need more seats. How do we upgrade?',
    reply: 'I have upgraded your workspace; the difference is prorated on the next invoice.',
    tags: ['upgrade', 'billing'],
  },
];

export const DEMO_NOTES = [
  'Customer is on the enterprise plan: keep response times short.',
  'Checked the logs: the issue started after the 3.8 deploy.',
  'Asked engineering in #support-escalations.',
  'Second report this week about the same thing.',
  'Offered a 10% credit, awaiting confirmation.',
];

export const DEMO_FOLLOW_UPS = [
  'Thanks, that worked!',
  'Still happening on my side, unfortunately.',
  'Could you give me an update?',
  'Perfect, you can close this.',
];
