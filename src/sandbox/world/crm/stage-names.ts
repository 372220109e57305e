// Apollo's default stages for a new team: contact stages (with how often the seed uses each),
// account stages, and the opportunity pipeline's stages (name, probability, closed, won).

export const contactStageNames = [
  'Cold',
  'Approaching',
  'Replied',
  'Interested',
  'Not Interested',
  'Unresponsive',
  'Do Not Contact',
  'Bad Data',
  'Changed Job',
];
export const contactStageWeights = [40, 25, 8, 7, 5, 8, 2, 2, 3];
export const accountStageNames = [
  'Cold',
  'Approaching',
  'Active Opportunity',
  'Current Customer',
  'Churned Customer',
  'Do Not Prospect',
];
export const opportunityStageRows: Array<[string, number, boolean, boolean]> = [
  ['Qualify', 10, false, false],
  ['Meeting Booked', 20, false, false],
  ['Proposal Sent', 50, false, false],
  ['Negotiation', 75, false, false],
  ['Closed Won', 100, true, true],
  ['Closed Lost', 0, true, false],
];
