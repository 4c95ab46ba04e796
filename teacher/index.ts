/** The teacher: one OpenAI-compatible client, the local teacher behind the same wire, and their types. */
export type { ChatMessage, ChatReply, ChatRequest, JsonSchemaFormat, Teacher } from './types.ts';
export { createTeacher, LocalTeacher, teacherConfigFromAppConfig } from './create.ts';
export type { CreateTeacherConfig, LocalTeacherConfig } from './create.ts';
export { OpenAITeacher, toBody } from './openai-teacher.ts';
export type { OpenAITeacherConfig } from './openai-teacher.ts';
export { costUsd, priceFor, priceTableFromConfig } from './pricing.ts';
export type { ModelPrice, PriceTable } from './pricing.ts';
export { redact } from './redact.ts';
export { startLocalTeacher } from './local/server.ts';
export type { LocalTeacherHandle, LocalTeacherOptions } from './local/server.ts';
export { resolveTeacherGguf, cachedGgufPath, cacheDir, DEFAULT_GGUF_NAME, WHEEL_REQUIREMENT } from './local/model-fetch.ts';
export type { ModelFetchOptions } from './local/model-fetch.ts';
