/**
 * Test doubles of two real OpenAI-compatible servers' behaviour that the pipeline met, as scripted teachers
 * (test/helpers/scripted-teacher.ts). Each reproduces what the real server sends, not the whole server.
 *
 * llama-cpp-python (`python -m llama_cpp.server`): its request model types `response_format.type` as
 * `Literal['text', 'json_object']`, so a json_schema request fails validation, and its `RouteErrorHandler` turns
 * every exception it has no formatter for into HTTP 500 `{"error": {"message": str(exc), "type":
 * "internal_server_error", "param": null, "code": null}}` — the message is pydantic's list of errors. It honours
 * json_object (grammar-constrained to some JSON object), answered here with the instructions as JSON.
 *
 * llama.cpp's `llama-server`: whatever `model` a request names, its replies (and `/v1/models`) name the loaded
 * model by the path of its GGUF file.
 */
import { startScriptedTeacher, type Script, type ScriptedTeacher, type ScriptedTeacherOptions, type ScriptStep } from './scripted-teacher.ts';

/** `str(exc)` of the validation error llama-cpp-python wraps into its 500 for `response_format: json_schema`. */
export const LLAMA_CPP_PYTHON_JSON_SCHEMA_ERROR =
  "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", " +
  "'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}]";

/** The 500 llama-cpp-python answers a json_schema request with. */
export const LLAMA_CPP_PYTHON_JSON_SCHEMA_500: ScriptStep = {
  kind: 'status', status: 500, type: 'internal_server_error', message: LLAMA_CPP_PYTHON_JSON_SCHEMA_ERROR,
};

/** llama-cpp-python's answer to `response_format`: json_schema refused with its 500, the rest by `then`. */
export function llamaCppPythonScript(then?: Script): Script {
  return (ctx, index) => {
    const format = (ctx.body as { response_format?: { type?: unknown } }).response_format?.type;
    if (format === 'json_schema') return LLAMA_CPP_PYTHON_JSON_SCHEMA_500;
    return then === undefined ? ctx.fallback() : then(ctx, index);
  };
}

/** A scripted teacher that answers `response_format: json_schema` as llama-cpp-python does. */
export function startLlamaCppPythonDouble(options: Omit<ScriptedTeacherOptions, 'script'> & { then?: Script } = {}): Promise<ScriptedTeacher> {
  const { then, ...rest } = options;
  return startScriptedTeacher({ model: 'llama-cpp-python', ...rest, script: llamaCppPythonScript(then) });
}

/** Where a llama-server double says its model lives. */
export const LLAMA_SERVER_MODEL_PATH = '/models/qwen2.5-0.5b-instruct-q4_k_m.gguf';

/** A scripted teacher whose replies name the model by its GGUF path, as llama-server's do. */
export function startLlamaServerDouble(options: Omit<ScriptedTeacherOptions, 'model'> = {}): Promise<ScriptedTeacher> {
  return startScriptedTeacher({ ...options, model: LLAMA_SERVER_MODEL_PATH });
}
