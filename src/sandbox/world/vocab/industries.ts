// Industries (Apollo's lower-case LinkedIn-style names) grouped into families that decide which
// job titles, company-name suffixes, keywords and technologies a company gets.

export const families = [
  'tech',
  'finance',
  'health',
  'industrial',
  'retail',
  'services',
  'education',
  'media',
] as const;
export type Family = (typeof families)[number];

/** One industry with its tag id and the keyword tags its companies draw from. */
export interface Industry {
  readonly name: string;
  readonly family: Family;
  readonly familyIndex: number;
  readonly tagId: string;
  /** Indices into `keywords`. */
  readonly keywordIds: readonly number[];
  /** Relative frequency among companies. */
  readonly weight: number;
  /** Typical annual revenue per employee, USD. */
  readonly revenuePerEmployee: number;
}

/** Keyword tags (q_organization_keyword_tags). */
export const keywords: readonly string[] = Object.freeze([
  'saas',
  'b2b',
  'cloud computing',
  'enterprise software',
  'artificial intelligence',
  'machine learning',
  'cybersecurity',
  'devops',
  'data analytics',
  'api',
  'mobile apps',
  'fintech',
  'payments',
  'crm',
  'marketing automation',
  'ecommerce',
  'marketplace',
  'healthtech',
  'telehealth',
  'medical devices',
  'clinical trials',
  'drug discovery',
  'biotech',
  'insurance',
  'wealth management',
  'lending',
  'real estate',
  'property management',
  'construction',
  'manufacturing',
  'industrial automation',
  'robotics',
  'logistics',
  'supply chain',
  'freight',
  'automotive',
  'electric vehicles',
  'renewable energy',
  'solar',
  'oil & gas',
  'mining',
  'chemicals',
  'aerospace',
  'retail',
  'consumer goods',
  'food & beverage',
  'restaurants',
  'fashion',
  'consulting',
  'management consulting',
  'digital marketing',
  'advertising',
  'seo',
  'staffing',
  'recruiting',
  'legal',
  'architecture',
  'education',
  'edtech',
  'higher education',
  'k-12',
  'online learning',
  'media',
  'publishing',
  'video production',
  'gaming',
  'entertainment',
  'streaming',
  'telecommunications',
  'hardware',
  'semiconductors',
  'networking',
  'it services',
  'managed services',
  'outsourcing',
  'hr tech',
  'accounting',
  'tax',
  'venture capital',
  'private equity',
  'banking',
  'fitness',
  'wellness',
  'pharmaceuticals',
  'hospitals',
  'b2c',
  'sustainability',
  'smb',
]);

const kw = (...names: string[]): number[] =>
  names.map((n) => {
    const i = keywords.indexOf(n);
    if (i < 0) throw new Error(`unknown keyword ${n}`);
    return i;
  });

type Row = [string, Family, number, number, string[]];

const rows: Row[] = [
  [
    'information technology & services',
    'tech',
    9,
    180_000,
    ['it services', 'managed services', 'cloud computing', 'b2b', 'outsourcing', 'cybersecurity'],
  ],
  [
    'computer software',
    'tech',
    9,
    220_000,
    [
      'saas',
      'b2b',
      'enterprise software',
      'cloud computing',
      'api',
      'crm',
      'marketing automation',
      'artificial intelligence',
    ],
  ],
  [
    'internet',
    'tech',
    5,
    250_000,
    ['ecommerce', 'marketplace', 'mobile apps', 'b2c', 'saas', 'digital marketing'],
  ],
  [
    'computer & network security',
    'tech',
    2,
    240_000,
    ['cybersecurity', 'saas', 'b2b', 'networking', 'enterprise software'],
  ],
  ['computer hardware', 'tech', 1, 300_000, ['hardware', 'semiconductors', 'networking', 'b2b']],
  [
    'telecommunications',
    'tech',
    2,
    350_000,
    ['telecommunications', 'networking', 'b2c', 'hardware'],
  ],
  ['semiconductors', 'tech', 1, 400_000, ['semiconductors', 'hardware', 'manufacturing']],
  [
    'financial services',
    'finance',
    5,
    300_000,
    ['fintech', 'payments', 'lending', 'wealth management', 'b2b', 'banking'],
  ],
  ['banking', 'finance', 2, 350_000, ['banking', 'lending', 'wealth management', 'fintech']],
  ['insurance', 'finance', 3, 400_000, ['insurance', 'b2c', 'fintech', 'smb']],
  [
    'investment management',
    'finance',
    2,
    600_000,
    ['wealth management', 'private equity', 'venture capital'],
  ],
  [
    'venture capital & private equity',
    'finance',
    1,
    900_000,
    ['venture capital', 'private equity'],
  ],
  ['accounting', 'finance', 3, 120_000, ['accounting', 'tax', 'consulting', 'smb']],
  ['real estate', 'finance', 5, 250_000, ['real estate', 'property management', 'construction']],
  [
    'hospital & health care',
    'health',
    7,
    150_000,
    ['hospitals', 'healthtech', 'telehealth', 'wellness'],
  ],
  ['medical devices', 'health', 2, 280_000, ['medical devices', 'manufacturing', 'healthtech']],
  [
    'pharmaceuticals',
    'health',
    2,
    500_000,
    ['pharmaceuticals', 'drug discovery', 'clinical trials', 'biotech'],
  ],
  [
    'biotechnology',
    'health',
    2,
    300_000,
    ['biotech', 'drug discovery', 'clinical trials', 'artificial intelligence'],
  ],
  [
    'health, wellness & fitness',
    'health',
    3,
    90_000,
    ['fitness', 'wellness', 'b2c', 'mobile apps'],
  ],
  [
    'mechanical or industrial engineering',
    'industrial',
    3,
    220_000,
    ['manufacturing', 'industrial automation', 'robotics', 'b2b'],
  ],
  [
    'automotive',
    'industrial',
    2,
    400_000,
    ['automotive', 'electric vehicles', 'manufacturing', 'supply chain'],
  ],
  [
    'construction',
    'industrial',
    6,
    200_000,
    ['construction', 'real estate', 'architecture', 'smb'],
  ],
  [
    'oil & energy',
    'industrial',
    2,
    800_000,
    ['oil & gas', 'renewable energy', 'solar', 'sustainability'],
  ],
  [
    'logistics & supply chain',
    'industrial',
    3,
    180_000,
    ['logistics', 'supply chain', 'freight', 'b2b'],
  ],
  [
    'electrical/electronic manufacturing',
    'industrial',
    2,
    260_000,
    ['manufacturing', 'hardware', 'industrial automation'],
  ],
  ['chemicals', 'industrial', 1, 450_000, ['chemicals', 'manufacturing', 'sustainability']],
  ['mining & metals', 'industrial', 1, 500_000, ['mining', 'manufacturing', 'supply chain']],
  ['aviation & aerospace', 'industrial', 1, 350_000, ['aerospace', 'manufacturing', 'robotics']],
  ['retail', 'retail', 5, 180_000, ['retail', 'ecommerce', 'consumer goods', 'b2c']],
  [
    'consumer goods',
    'retail',
    3,
    300_000,
    ['consumer goods', 'b2c', 'ecommerce', 'sustainability'],
  ],
  ['food & beverages', 'retail', 3, 250_000, ['food & beverage', 'consumer goods', 'b2c']],
  ['apparel & fashion', 'retail', 2, 200_000, ['fashion', 'ecommerce', 'retail', 'b2c']],
  ['restaurants', 'retail', 3, 70_000, ['restaurants', 'food & beverage', 'smb']],
  [
    'management consulting',
    'services',
    5,
    200_000,
    ['management consulting', 'consulting', 'b2b', 'outsourcing'],
  ],
  [
    'marketing & advertising',
    'services',
    6,
    150_000,
    ['digital marketing', 'advertising', 'seo', 'marketing automation', 'smb'],
  ],
  [
    'staffing & recruiting',
    'services',
    3,
    120_000,
    ['staffing', 'recruiting', 'hr tech', 'outsourcing'],
  ],
  ['law practice', 'services', 3, 250_000, ['legal', 'consulting']],
  [
    'architecture & planning',
    'services',
    2,
    150_000,
    ['architecture', 'construction', 'sustainability'],
  ],
  ['human resources', 'services', 2, 140_000, ['hr tech', 'staffing', 'saas', 'b2b']],
  ['education management', 'education', 3, 80_000, ['education', 'k-12', 'edtech']],
  [
    'higher education',
    'education',
    3,
    100_000,
    ['higher education', 'education', 'online learning'],
  ],
  ['e-learning', 'education', 2, 150_000, ['edtech', 'online learning', 'saas', 'b2c']],
  ['primary/secondary education', 'education', 2, 70_000, ['k-12', 'education']],
  ['media production', 'media', 2, 180_000, ['video production', 'media', 'entertainment']],
  ['entertainment', 'media', 2, 220_000, ['entertainment', 'streaming', 'media', 'b2c']],
  ['publishing', 'media', 2, 160_000, ['publishing', 'media', 'online learning']],
  ['online media', 'media', 2, 200_000, ['media', 'advertising', 'streaming', 'digital marketing']],
  ['broadcast media', 'media', 1, 250_000, ['media', 'entertainment', 'telecommunications']],
  ['computer games', 'media', 2, 300_000, ['gaming', 'entertainment', 'mobile apps', 'b2c']],
];

function tagId(i: number): string {
  const mid = (0x73696439 + i * 0x1b3f) >>> 0;
  return `5567cd47${mid.toString(16).padStart(8, '0')}b10b${(0x1000 + i * 37).toString(16).padStart(4, '0')}`;
}

/** Every industry, in a fixed order (the industry index). */
export const industries: readonly Industry[] = Object.freeze(
  rows.map(([name, family, weight, revenuePerEmployee, kws], i) =>
    Object.freeze({
      name,
      family,
      familyIndex: families.indexOf(family),
      tagId: tagId(i),
      keywordIds: kw(...kws),
      weight,
      revenuePerEmployee,
    }),
  ),
);

/** Company-name suffixes per family; the domain spells the whole name in lower case. */
export const familyForms: Readonly<Record<Family, readonly string[]>> = {
  tech: ['', ' Inc', ' Labs', ' Systems', ' Technologies', ' Software', ' Analytics', ' AI'],
  finance: ['', ' Capital', ' Partners', ' Group', ' Financial', ' Advisors'],
  health: ['', ' Health', ' Medical', ' Bio', ' Therapeutics', ' Care'],
  industrial: ['', ' Industries', ' Manufacturing', ' Logistics', ' Engineering', ' Energy'],
  retail: ['', ' Co', ' Foods', ' Brands', ' Goods', ' Outfitters'],
  services: ['', ' Consulting', ' Partners', ' Group', ' Advisors', ' Agency'],
  education: ['', ' Academy', ' Learning', ' Institute', ' School'],
  media: ['', ' Media', ' Studios', ' Films', ' Publishing', ' Games'],
};

/** First halves of company names. */
export const nameHeads: readonly string[] = Object.freeze(
  `Blue Bright North South East West Summit Iron Cedar Oak Pine Maple Silver Golden Red Green Black
White Clear Swift Bold True Prime Core Apex Vertex Nova Astra Lumen Terra Aqua Sky Star Sun Moon
Cloud Rock River Lake Harbor Bay Ocean Coast Valley Ridge Peak Canyon Mesa Prairie Meadow Forest
Grove Willow Birch Aspen Spruce Sequoia Redwood Falcon Eagle Hawk Raven Wolf Fox Bear Lion Tiger
Otter Beacon Anchor Compass Keystone Pioneer Frontier Horizon Quantum Vector Matrix Nexus Signal
Pulse Spark Flux Fusion Orbit Zenith Polar Arctic Atlas Titan Orion Vega Lyra Helix Cipher Quartz
Cobalt Crimson Indigo Amber Ember Onyx Jade Coral Ivory Scarlet Velvet Copper Bronze Granite Marble
Slate Flint Tidal Urban Metro Civic Central United Allied Global Pacific Atlantic Northern Southern
Western Eastern Grand Royal Noble Liberty Patriot Heritage Legacy Evergreen Sterling Pinnacle
Vanguard Catalyst Elevate Ascend Thrive Bloom Kindred Harmony Serene Vivid Lucid Agile Rapid Nimble
Steady Solid Sure Trusty Clever Wise Smart Open Fair Happy Little Big Tall Deep High Wide Far Near
First Next New Modern Future Infinite Omni Poly Hyper Ultra Mega Micro Nano Meta Proto Neo Aero Geo
Bio Eco Electro Thermo Hydro Solar Lunar Stellar Cosmic Astral Radiant Brilliant Crystal Diamond
Pearl Ruby Sapphire Emerald Topaz Opal Garnet Saffron Juniper Sage Basil Fennel Clover Ivy Fern Moss
Thistle Lotus Orchid Iris Lily Poppy Daisy Tulip Magnolia Laurel Hazel Alder Rowan Elm Ash Hickory
Walnut Chestnut Cypress Sycamore`
    .split(/\s+/)
    .filter(Boolean),
);

/** Second halves of company names (joined without a space: Blue + wave = Bluewave). */
export const nameTails: readonly string[] = Object.freeze(
  `wave path stone forge field point works line bridge gate way port view crest light wood brook dale
ford haven shore side land mark craft stack base hub sphere scape vista tree leaf root seed flow
stream spring well fire flame spark bolt beam ray star sky cloud mind logic sense sight scope frame
grid mesh net link loop node core cube block box bit byte code data shift lane trail track rail
wing sail mast keel deck tower hall yard farm mill barn nest den burrow rock peak summit hill mount
glen vale moor heath marsh`
    .split(/\s+/)
    .filter(Boolean),
);

/** Every suffix, once: a company name is the tuple (head, tail, form) over these lists. */
export const nameForms: readonly string[] = Object.freeze([
  ...new Set(Object.values(familyForms).flat()),
]);

/** `familyForms` as indices into `nameForms`. */
export const familyFormIds: readonly (readonly number[])[] = families.map((f) =>
  familyForms[f].map((form) => nameForms.indexOf(form)),
);
