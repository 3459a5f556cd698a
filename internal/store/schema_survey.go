package store

// schemaSurveyRecipients keeps the recipient index for what reads it: a citizen's SMS reply
// to a satisfaction survey (回访) is matched to the newest survey sent to that number
// (LatestSurveyTo). It held every message, so each registration's receipt wrote an entry at
// a random place in it (the caller's number), which nothing ever read.
var schemaSurveyRecipients = `
-- dialect: all
CREATE INDEX outbox_survey_recipient ON outbox (recipient, created_at) WHERE template = 'survey';
DROP INDEX outbox_recipient;
`
