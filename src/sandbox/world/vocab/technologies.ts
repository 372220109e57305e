// Technologies a company can use (Apollo uids are lower-case with underscores). `base` is the
// share of companies using it; `boost` multiplies it in the listed families.

import type { Family } from './industries.js';

/** One technology Apollo detects. */
export interface Technology {
  readonly uid: string;
  readonly name: string;
  readonly category: string;
  readonly base: number;
  readonly boost: readonly Family[];
}

type Row = [string, string, string, number, Family[]?];

const rows: Row[] = [
  ['google_analytics', 'Google Analytics', 'Analytics and Tracking', 0.55],
  ['google_tag_manager', 'Google Tag Manager', 'Tag Management', 0.45],
  ['wordpress_org', 'WordPress.org', 'CMS', 0.3, ['services', 'media', 'education']],
  ['shopify', 'Shopify', 'Ecommerce Platforms', 0.06, ['retail']],
  ['salesforce', 'Salesforce', 'CRM', 0.18, ['tech', 'finance']],
  ['hubspot', 'Hubspot', 'Marketing Automation', 0.16, ['tech', 'services']],
  ['marketo', 'Marketo', 'Marketing Automation', 0.05, ['tech']],
  ['pardot', 'Pardot', 'Marketing Automation', 0.04, ['finance']],
  ['mailchimp', 'Mailchimp', 'Email Marketing', 0.2, ['retail', 'services']],
  ['zendesk', 'Zendesk', 'Customer Support', 0.08, ['tech', 'retail']],
  ['intercom', 'Intercom', 'Customer Support', 0.06, ['tech']],
  ['slack', 'Slack', 'Other', 0.3, ['tech', 'media']],
  ['zoom', 'Zoom', 'Other', 0.35],
  ['gsuite', 'Gmail', 'Email Providers', 0.45],
  ['office_365', 'Outlook', 'Email Providers', 0.4, ['finance', 'industrial', 'health']],
  ['amazon_aws', 'Amazon AWS', 'Hosting', 0.3, ['tech']],
  ['google_cloud_hosting', 'Google Cloud Hosting', 'Hosting', 0.1, ['tech']],
  ['microsoft_azure', 'Microsoft Azure', 'Hosting', 0.1, ['finance', 'industrial']],
  ['cloudflare_dns', 'Cloudflare DNS', 'Domain Name Services', 0.3],
  ['nginx', 'Nginx', 'Load Balancers', 0.35],
  ['apache', 'Apache', 'Web Servers', 0.25],
  ['react', 'React', 'Frameworks and Programming Languages', 0.2, ['tech', 'media']],
  ['angularjs', 'AngularJS', 'Frameworks and Programming Languages', 0.06, ['finance']],
  ['vue_js', 'Vue.js', 'Frameworks and Programming Languages', 0.06, ['tech']],
  ['jquery', 'jQuery', 'Javascript Libraries', 0.5],
  ['bootstrap_framework', 'Bootstrap Framework', 'CSS and JavaScript Libraries', 0.35],
  ['node_js', 'Node.js', 'Frameworks and Programming Languages', 0.15, ['tech']],
  ['ruby_on_rails', 'Ruby On Rails', 'Frameworks and Programming Languages', 0.05, ['tech']],
  ['django', 'Django', 'Frameworks and Programming Languages', 0.04, ['tech', 'education']],
  ['php', 'PHP', 'Frameworks and Programming Languages', 0.3],
  ['docker', 'Docker', 'Containerization', 0.12, ['tech']],
  ['kubernetes', 'Kubernetes', 'Containerization', 0.07, ['tech', 'finance']],
  ['datadog', 'Datadog', 'Monitoring', 0.05, ['tech']],
  ['new_relic', 'New Relic', 'Monitoring', 0.05, ['tech', 'media']],
  ['sentry', 'Sentry', 'Monitoring', 0.06, ['tech']],
  ['github', 'GitHub', 'Source Code Management', 0.15, ['tech']],
  ['atlassian_jira', 'Atlassian JIRA', 'Project Management', 0.15, ['tech', 'finance']],
  ['atlassian_confluence', 'Atlassian Confluence', 'Other', 0.1, ['tech']],
  ['stripe', 'Stripe', 'Payments', 0.08, ['tech', 'retail']],
  ['segment_io', 'Segment.io', 'Analytics and Tracking', 0.04, ['tech']],
  ['mixpanel', 'Mixpanel', 'Analytics and Tracking', 0.04, ['tech']],
  ['hotjar', 'Hotjar', 'Analytics and Tracking', 0.12, ['retail', 'services']],
  ['optimizely', 'Optimizely', 'A/B Testing', 0.03, ['retail', 'media']],
  ['outreach', 'Outreach', 'Sales Engagement', 0.04, ['tech']],
  ['salesloft', 'Salesloft', 'Sales Engagement', 0.03, ['tech']],
  ['gong', 'Gong', 'Sales Engagement', 0.03, ['tech']],
  ['drift', 'Drift', 'Chat', 0.03, ['tech']],
  ['linkedin_marketing_solutions', 'Linkedin Marketing Solutions', 'Advertising Networks', 0.2],
  ['facebook_widget', 'Facebook Widget', 'Social Login', 0.25, ['retail', 'media']],
  ['workday', 'Workday', 'Human Resources', 0.04, ['finance', 'health', 'education']],
  ['sap', 'SAP', 'ERP', 0.05, ['industrial', 'retail']],
  ['oracle_netsuite', 'Oracle NetSuite', 'ERP', 0.05, ['industrial', 'retail', 'tech']],
];

/** Every technology, in a fixed order (the technology index). */
export const technologies: readonly Technology[] = Object.freeze(
  rows.map(([uid, name, category, base, boost]) =>
    Object.freeze({ uid, name, category, base, boost: boost ?? [] }),
  ),
);

export const technologyIndex: ReadonlyMap<string, number> = new Map(
  technologies.map((t, i) => [t.uid, i]),
);
