// Flags closed (yes/no) questions and suggests an open-ended rephrasing. Informational interviews
// go best with open questions ("What…", "How…", "Tell me about…"); a question that opens with an
// auxiliary verb ("Do you…", "Is it…", "Would you…") invites a one-word answer.
export interface QuestionCheck {
  text: string
  closed: boolean
  reason: string | null
  suggestion: string | null
}

const AUXILIARIES = /^(do|does|did|is|are|was|were|am|can|could|will|would|should|shall|have|has|had|may|might|must)\b/i

export function checkQuestion(text: string): QuestionCheck {
  const trimmed = text.trim()
  const match = AUXILIARIES.exec(trimmed)
  if (!match) return { text: trimmed, closed: false, reason: null, suggestion: null }
  const rest = trimmed.slice(match[0].length).trim().replace(/\?+$/, '')
  return {
    text: trimmed,
    closed: true,
    reason: `Starts with "${match[0]}", which invites a yes or no`,
    suggestion: `What can you tell me about whether ${rest}?`,
  }
}

export function checkQuestions(texts: string[]): QuestionCheck[] {
  return texts.map(checkQuestion)
}
