// Places where companies have offices and people live. `gdpr` marks the EU/EEA plus the UK and
// Switzerland (GDPR-equivalent law): Apollo never reveals personal emails there.

/** One city. */
export interface Place {
  readonly city: string;
  readonly state: string | null;
  readonly country: string;
  readonly gdpr: boolean;
  readonly timeZone: string;
  /** Country calling code and a local area prefix, for phone numbers. */
  readonly dial: string;
  readonly area: string;
  readonly postal: string;
  /** Relative frequency as a headquarters. */
  readonly weight: number;
}

type Row = [string, string | null, string, string, string, string, string, number];

const US = 'United States';
const rows: Row[] = [
  ['San Francisco', 'California', US, 'America/Los_Angeles', '1', '415', '94105', 9],
  ['New York', 'New York', US, 'America/New_York', '1', '212', '10001', 12],
  ['Los Angeles', 'California', US, 'America/Los_Angeles', '1', '213', '90012', 7],
  ['Chicago', 'Illinois', US, 'America/Chicago', '1', '312', '60601', 7],
  ['Austin', 'Texas', US, 'America/Chicago', '1', '512', '78701', 5],
  ['Houston', 'Texas', US, 'America/Chicago', '1', '713', '77002', 5],
  ['Dallas', 'Texas', US, 'America/Chicago', '1', '214', '75201', 5],
  ['Seattle', 'Washington', US, 'America/Los_Angeles', '1', '206', '98101', 5],
  ['Boston', 'Massachusetts', US, 'America/New_York', '1', '617', '02108', 5],
  ['Atlanta', 'Georgia', US, 'America/New_York', '1', '404', '30303', 4],
  ['Denver', 'Colorado', US, 'America/Denver', '1', '303', '80202', 4],
  ['Miami', 'Florida', US, 'America/New_York', '1', '305', '33130', 4],
  ['Phoenix', 'Arizona', US, 'America/Phoenix', '1', '602', '85004', 3],
  ['San Diego', 'California', US, 'America/Los_Angeles', '1', '619', '92101', 3],
  ['San Jose', 'California', US, 'America/Los_Angeles', '1', '408', '95113', 3],
  ['Philadelphia', 'Pennsylvania', US, 'America/New_York', '1', '215', '19103', 3],
  ['Washington', 'District of Columbia', US, 'America/New_York', '1', '202', '20001', 3],
  ['Minneapolis', 'Minnesota', US, 'America/Chicago', '1', '612', '55401', 2],
  ['Detroit', 'Michigan', US, 'America/Detroit', '1', '313', '48226', 2],
  ['Nashville', 'Tennessee', US, 'America/Chicago', '1', '615', '37203', 2],
  ['Charlotte', 'North Carolina', US, 'America/New_York', '1', '704', '28202', 2],
  ['Raleigh', 'North Carolina', US, 'America/New_York', '1', '919', '27601', 2],
  ['Salt Lake City', 'Utah', US, 'America/Denver', '1', '801', '84101', 2],
  ['Portland', 'Oregon', US, 'America/Los_Angeles', '1', '503', '97204', 2],
  ['Columbus', 'Ohio', US, 'America/New_York', '1', '614', '43215', 2],
  ['Pittsburgh', 'Pennsylvania', US, 'America/New_York', '1', '412', '15222', 1],
  ['St. Louis', 'Missouri', US, 'America/Chicago', '1', '314', '63101', 1],
  ['Kansas City', 'Missouri', US, 'America/Chicago', '1', '816', '64105', 1],
  ['Indianapolis', 'Indiana', US, 'America/Indiana/Indianapolis', '1', '317', '46204', 1],
  ['Baltimore', 'Maryland', US, 'America/New_York', '1', '410', '21202', 1],
  ['Orlando', 'Florida', US, 'America/New_York', '1', '407', '32801', 1],
  ['Tampa', 'Florida', US, 'America/New_York', '1', '813', '33602', 1],
  ['Las Vegas', 'Nevada', US, 'America/Los_Angeles', '1', '702', '89101', 1],
  ['Sacramento', 'California', US, 'America/Los_Angeles', '1', '916', '95814', 1],
  ['Cleveland', 'Ohio', US, 'America/New_York', '1', '216', '44113', 1],
  ['Toronto', 'Ontario', 'Canada', 'America/Toronto', '1', '416', 'M5H 2N2', 4],
  ['Vancouver', 'British Columbia', 'Canada', 'America/Vancouver', '1', '604', 'V6B 1A1', 2],
  ['Montreal', 'Quebec', 'Canada', 'America/Toronto', '1', '514', 'H2Y 1C6', 2],
  ['Calgary', 'Alberta', 'Canada', 'America/Edmonton', '1', '403', 'T2P 1J9', 1],
  ['Ottawa', 'Ontario', 'Canada', 'America/Toronto', '1', '613', 'K1P 1J1', 1],
  ['London', 'England', 'United Kingdom', 'Europe/London', '44', '20', 'EC2A 4NE', 7],
  ['Manchester', 'England', 'United Kingdom', 'Europe/London', '44', '161', 'M1 1AE', 2],
  ['Edinburgh', 'Scotland', 'United Kingdom', 'Europe/London', '44', '131', 'EH1 1YZ', 1],
  ['Birmingham', 'England', 'United Kingdom', 'Europe/London', '44', '121', 'B1 1BB', 1],
  ['Bristol', 'England', 'United Kingdom', 'Europe/London', '44', '117', 'BS1 4DJ', 1],
  ['Cambridge', 'England', 'United Kingdom', 'Europe/London', '44', '1223', 'CB2 1TN', 1],
  ['Dublin', 'County Dublin', 'Ireland', 'Europe/Dublin', '353', '1', 'D02 X285', 2],
  ['Cork', 'County Cork', 'Ireland', 'Europe/Dublin', '353', '21', 'T12 W8F2', 1],
  ['Berlin', 'Berlin', 'Germany', 'Europe/Berlin', '49', '30', '10117', 3],
  ['Munich', 'Bavaria', 'Germany', 'Europe/Berlin', '49', '89', '80331', 2],
  ['Hamburg', 'Hamburg', 'Germany', 'Europe/Berlin', '49', '40', '20095', 2],
  ['Frankfurt', 'Hesse', 'Germany', 'Europe/Berlin', '49', '69', '60311', 1],
  ['Paris', 'Ile-de-France', 'France', 'Europe/Paris', '33', '1', '75002', 3],
  ['Lyon', 'Auvergne-Rhone-Alpes', 'France', 'Europe/Paris', '33', '4', '69002', 1],
  ['Amsterdam', 'North Holland', 'Netherlands', 'Europe/Amsterdam', '31', '20', '1012 JS', 2],
  ['Rotterdam', 'South Holland', 'Netherlands', 'Europe/Amsterdam', '31', '10', '3011 AD', 1],
  ['Madrid', 'Community of Madrid', 'Spain', 'Europe/Madrid', '34', '91', '28013', 2],
  ['Barcelona', 'Catalonia', 'Spain', 'Europe/Madrid', '34', '93', '08002', 2],
  ['Milan', 'Lombardy', 'Italy', 'Europe/Rome', '39', '02', '20121', 2],
  ['Rome', 'Lazio', 'Italy', 'Europe/Rome', '39', '06', '00184', 1],
  ['Stockholm', 'Stockholm County', 'Sweden', 'Europe/Stockholm', '46', '8', '111 52', 2],
  ['Copenhagen', 'Capital Region of Denmark', 'Denmark', 'Europe/Copenhagen', '45', '3', '1050', 1],
  ['Warsaw', 'Masovian Voivodeship', 'Poland', 'Europe/Warsaw', '48', '22', '00-001', 1],
  ['Brussels', 'Brussels-Capital Region', 'Belgium', 'Europe/Brussels', '32', '2', '1000', 1],
  ['Vienna', 'Vienna', 'Austria', 'Europe/Vienna', '43', '1', '1010', 1],
  ['Helsinki', 'Uusimaa', 'Finland', 'Europe/Helsinki', '358', '9', '00100', 1],
  ['Lisbon', 'Lisbon', 'Portugal', 'Europe/Lisbon', '351', '21', '1100-148', 1],
  ['Oslo', 'Oslo', 'Norway', 'Europe/Oslo', '47', '2', '0150', 1],
  ['Zurich', 'Zurich', 'Switzerland', 'Europe/Zurich', '41', '44', '8001', 1],
  ['Geneva', 'Geneva', 'Switzerland', 'Europe/Zurich', '41', '22', '1204', 1],
  ['Tel Aviv', 'Tel Aviv District', 'Israel', 'Asia/Jerusalem', '972', '3', '6100000', 2],
  ['Bangalore', 'Karnataka', 'India', 'Asia/Kolkata', '91', '80', '560001', 3],
  ['Mumbai', 'Maharashtra', 'India', 'Asia/Kolkata', '91', '22', '400001', 2],
  ['New Delhi', 'Delhi', 'India', 'Asia/Kolkata', '91', '11', '110001', 2],
  ['Hyderabad', 'Telangana', 'India', 'Asia/Kolkata', '91', '40', '500001', 1],
  ['Pune', 'Maharashtra', 'India', 'Asia/Kolkata', '91', '20', '411001', 1],
  ['Singapore', null, 'Singapore', 'Asia/Singapore', '65', '6', '018989', 2],
  ['Tokyo', 'Tokyo', 'Japan', 'Asia/Tokyo', '81', '3', '100-0005', 2],
  ['Seoul', 'Seoul', 'South Korea', 'Asia/Seoul', '82', '2', '04524', 1],
  ['Sydney', 'New South Wales', 'Australia', 'Australia/Sydney', '61', '2', '2000', 3],
  ['Melbourne', 'Victoria', 'Australia', 'Australia/Melbourne', '61', '3', '3000', 2],
  ['Brisbane', 'Queensland', 'Australia', 'Australia/Brisbane', '61', '7', '4000', 1],
  ['Auckland', 'Auckland', 'New Zealand', 'Pacific/Auckland', '64', '9', '1010', 1],
  ['Sao Paulo', 'Sao Paulo', 'Brazil', 'America/Sao_Paulo', '55', '11', '01310-100', 2],
  ['Rio de Janeiro', 'Rio de Janeiro', 'Brazil', 'America/Sao_Paulo', '55', '21', '20040-002', 1],
  ['Mexico City', 'Mexico City', 'Mexico', 'America/Mexico_City', '52', '55', '06000', 2],
  ['Monterrey', 'Nuevo Leon', 'Mexico', 'America/Monterrey', '52', '81', '64000', 1],
  [
    'Buenos Aires',
    'Buenos Aires',
    'Argentina',
    'America/Argentina/Buenos_Aires',
    '54',
    '11',
    'C1002',
    1,
  ],
  ['Bogota', 'Bogota', 'Colombia', 'America/Bogota', '57', '1', '110111', 1],
  ['Dubai', 'Dubai', 'United Arab Emirates', 'Asia/Dubai', '971', '4', '00000', 1],
  ['Cape Town', 'Western Cape', 'South Africa', 'Africa/Johannesburg', '27', '21', '8001', 1],
  ['Johannesburg', 'Gauteng', 'South Africa', 'Africa/Johannesburg', '27', '11', '2001', 1],
  ['Lagos', 'Lagos', 'Nigeria', 'Africa/Lagos', '234', '1', '100001', 1],
];

const gdprCountries = new Set([
  'United Kingdom',
  'Ireland',
  'Germany',
  'France',
  'Netherlands',
  'Spain',
  'Italy',
  'Sweden',
  'Denmark',
  'Poland',
  'Belgium',
  'Austria',
  'Finland',
  'Portugal',
  'Norway',
  'Switzerland',
]);

/** Every place, in a fixed order (the location index). */
export const places: readonly Place[] = Object.freeze(
  rows.map(([city, state, country, timeZone, dial, area, postal, weight]) =>
    Object.freeze({
      city,
      state,
      country,
      gdpr: gdprCountries.has(country),
      timeZone,
      dial,
      area,
      postal,
      weight,
    }),
  ),
);

const countryAliases: Record<string, string> = {
  us: 'united states',
  usa: 'united states',
  'united states of america': 'united states',
  america: 'united states',
  uk: 'united kingdom',
  'great britain': 'united kingdom',
  britain: 'united kingdom',
  uae: 'united arab emirates',
};

/** Lower-cases a location term and resolves common country aliases. */
export function normalizeLocation(term: string): string {
  const t = term.trim().toLowerCase().replace(/\s+/g, ' ');
  return countryAliases[t] ?? t;
}

/**
 * True when a location filter term names this place: its city, state or country, or a
 * comma-separated combination of them ("Austin, Texas", "Berlin, Germany").
 */
export function placeMatches(place: Place, term: string): boolean {
  const t = normalizeLocation(term);
  const city = place.city.toLowerCase();
  const state = place.state?.toLowerCase() ?? null;
  const country = place.country.toLowerCase();
  if (t === city || t === state || t === country) return true;
  if (!t.includes(',')) return false;
  const parts = t.split(',').map((p) => normalizeLocation(p));
  const known = [city, state, country];
  let cursor = 0;
  for (const part of parts) {
    const at = known.indexOf(part, cursor);
    if (at < 0) return false;
    cursor = at + 1;
  }
  return true;
}
