/** `lamini serve`: a student on an OpenAI-compatible endpoint (server.ts describes the routes). */
export { startStudentServer, type StudentServerHandle, type StudentServerOptions } from './server.ts';
export { openServedStudent, servedStudent } from './open.ts';
export { Gpt2Scorer, topOf } from './gpt2-scorer.ts';
export { logprobsBody, type ListedToken, type LogprobsBody } from './logprobs.ts';
export { parseCompletionRequest, MAX_LOGPROBS, type CompletionRequest, type PromptInput } from './completion-request.ts';
export { parseStudentChatRequest, chatPrompt, type StudentChatRequest } from './chat-request.ts';
export type { PositionScore, ServedStudent, TokenAlternative, TokenScorer } from './student.ts';
