// The standard question topics of an informational interview, several questions each: every
// school's bank starts with these (advisors and admins edit it from there).
export const STANDARD_BANK = [
  ['path', 'How did you get started in this field?'],
  ['path', 'What path led you to your current role?'],
  ['path', 'What experiences best prepared you for this work?'],
  ['typical_day', 'What does a typical day look like for you?'],
  ['typical_day', 'How do you spend most of your time in a week?'],
  ['typical_day', 'What kinds of problems do you solve most often?'],
  ['likes_dislikes', 'What do you enjoy most about your work?'],
  ['likes_dislikes', 'What do you find most challenging about it?'],
  ['likes_dislikes', 'What surprised you most when you started?'],
  ['future', 'Where do you see this profession heading in the next five years?'],
  ['future', 'How is technology changing your field?'],
  ['future', 'Which skills will matter most in this field in the future?'],
  ['advancement', 'What opportunities for advancement exist in this field?'],
  ['advancement', 'How do people typically move up or change roles here?'],
  ['advancement', 'What distinguishes people who grow quickly in this career?'],
  ['advice', 'What advice would you give a student preparing for this field?'],
  ['advice', 'What would you do differently if you were starting out today?'],
  ['advice', 'Who else would you recommend I talk to?'],
] as const
