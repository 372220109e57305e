import { z } from 'zod';

// Apollo's response objects (people, organizations, contacts, accounts, sequences, tasks, deals,
// users). Apollo returns many
// more fields than any client reads; each schema types the fields Gatehouse and agents rely on and
// lets the rest through (`looseObject`), so a new Apollo field never breaks a response.

const str = z.string().nullable().optional();
const num = z.number().nullable().optional();
const bool = z.boolean().nullable().optional();

/** The pagination object on most searches. `page`/`per_page` are strings on some endpoints. */
export const paginationSchema = z.looseObject({
  page: z.union([z.number(), z.string()]),
  per_page: z.union([z.number(), z.string()]),
  total_entries: z.number(),
  total_pages: z.number(),
});

/** One applied filter value, echoed by searches. */
export const breadcrumbSchema = z.looseObject({
  label: z.string(),
  signal_field_name: z.string(),
  value: z.unknown(),
  display_name: z.string(),
});

export const phoneNumberSchema = z.looseObject({
  raw_number: str,
  sanitized_number: str,
  type: str,
  position: num,
  status: str,
});

/** An organization as search rows and enrichment return it. */
export const organizationSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  website_url: str,
  linkedin_url: str,
  primary_domain: str,
  phone: str,
  founded_year: num,
  industry: str,
  keywords: z.array(z.string()).optional(),
  estimated_num_employees: num,
  annual_revenue: num,
  city: str,
  state: str,
  country: str,
});

/** A row of the people API search: obfuscated, no email or phone. */
export const personSearchRowSchema = z.looseObject({
  id: z.string(),
  first_name: z.string(),
  last_name_obfuscated: z.string(),
  title: str,
  last_refreshed_at: str,
  has_email: z.boolean(),
  has_city: z.boolean(),
  has_state: z.boolean(),
  has_country: z.boolean(),
  has_direct_phone: z.string(),
  organization: z.looseObject({ name: z.string() }),
});

/** A full person, as enrichment returns it. */
export const personSchema = z.looseObject({
  id: z.string(),
  first_name: str,
  last_name: str,
  name: str,
  linkedin_url: str,
  title: str,
  headline: str,
  email: str,
  email_status: str,
  organization_id: str,
  organization: organizationSchema.nullable().optional(),
  city: str,
  state: str,
  country: str,
  seniority: str,
  departments: z.array(z.string()).optional(),
  personal_emails: z.array(z.string()).optional(),
  phone_numbers: z.array(phoneNumberSchema).optional(),
});

/** A saved account (company) in the team's CRM. */
export const accountSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  domain: str,
  team_id: str,
  organization_id: str,
  account_stage_id: str,
  owner_id: str,
  source: str,
  phone: str,
  sanitized_phone: str,
  created_at: str,
  label_ids: z.array(z.string()).optional(),
  typed_custom_fields: z.record(z.string(), z.unknown()).optional(),
  modality: z.string().optional(),
});

/** A saved contact (person) in the team's CRM. */
export const contactSchema = z.looseObject({
  id: z.string(),
  first_name: str,
  last_name: str,
  name: str,
  title: str,
  email: str,
  email_status: str,
  organization_name: str,
  organization_id: str,
  account_id: str,
  owner_id: str,
  person_id: str,
  contact_stage_id: str,
  linkedin_url: str,
  present_raw_address: str,
  city: str,
  state: str,
  country: str,
  phone_numbers: z.array(phoneNumberSchema).optional(),
  label_ids: z.array(z.string()).optional(),
  emailer_campaign_ids: z.array(z.string()).optional(),
  source: str,
  created_at: str,
  updated_at: str,
});

/** A contact list (label). */
export const labelSchema = z.looseObject({
  id: z.string(),
  modality: z.string(),
  name: z.string(),
  cached_count: z.number().optional(),
});

/** A sequence (Apollo calls them emailer campaigns). */
export const sequenceSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  archived: z.boolean(),
  active: z.boolean(),
  created_at: str,
  user_id: str,
  num_steps: num,
});

/** A task. */
export const taskSchema = z.looseObject({
  id: z.string(),
  user_id: str,
  contact_id: str,
  type: z.string(),
  priority: z.string(),
  status: z.string(),
  due_at: str,
  title: str,
  note: str,
  created_at: str,
});

/** A deal (Apollo calls them opportunities). */
export const opportunitySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  owner_id: str,
  account_id: str,
  amount: num,
  opportunity_stage_id: str,
  closed_date: str,
  is_closed: bool,
  is_won: bool,
  source: str,
  created_at: str,
});

/** A user of the team's Apollo workspace. */
export const userSchema = z.looseObject({
  id: z.string(),
  team_id: str,
  first_name: str,
  last_name: str,
  name: str,
  email: str,
  title: str,
  deleted: bool,
});

/** One window of `usage_stats/api_usage_stats`. */
export const usageWindowSchema = z.looseObject({
  limit: z.number().nullable(),
  consumed: z.number(),
  left_over: z.number().nullable(),
});
